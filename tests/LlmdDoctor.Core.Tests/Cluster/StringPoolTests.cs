using LlmdDoctor.Core.Cluster;

namespace LlmdDoctor.Core.Tests.Cluster;

public sealed class StringPoolTests
{
    [Fact]
    public void Same_text_gives_the_same_instance_from_a_span_or_a_string()
    {
        var pool = new StringPool();
        var first = pool.Get("app.kubernetes.io/name".AsSpan());
        var second = pool.Get(new string("app.kubernetes.io/name".AsSpan()));
        var third = pool.Get("app.kubernetes.io/name".ToCharArray().AsSpan());

        Assert.Equal("app.kubernetes.io/name", first);
        Assert.Same(first, second);
        Assert.Same(first, third);
    }

    [Fact]
    public void Different_texts_stay_different()
    {
        var pool = new StringPool();
        Assert.Equal("True", pool.Get("True"));
        Assert.Equal("False", pool.Get("False"));
        Assert.Equal("True", pool.Get("True".AsSpan()));
        Assert.Equal("", pool.Get(ReadOnlySpan<char>.Empty));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(StringPool.DefaultCapacity)]
    public void The_pool_never_holds_more_than_its_capacity(int capacity)
    {
        var pool = new StringPool(capacity);
        for (var i = 0; i < 3 * StringPool.DefaultCapacity; i++)
        {
            Assert.Equal($"pod-{i}", pool.Get($"pod-{i}".AsSpan()));
        }

        Assert.Equal(capacity, pool.Capacity);
        Assert.InRange(pool.Count, 1, capacity);
    }

    [Fact]
    public void A_text_that_repeats_is_shared_again_after_unique_texts_passed_through()
    {
        var pool = new StringPool(64);
        var label = pool.Get("llm-d.ai/inferenceServing".AsSpan());
        for (var i = 0; i < 1000; i++)
        {
            pool.Get($"vllm-{i:D5}".AsSpan());
        }

        // Possibly displaced by a unique name meanwhile, but pooled again the next time it is read.
        var again = pool.Get("llm-d.ai/inferenceServing".AsSpan());
        Assert.Equal(label, again);
        Assert.Same(again, pool.Get("llm-d.ai/inferenceServing".AsSpan()));
    }

    [Fact]
    public void Long_texts_are_not_pooled()
    {
        var pool = new StringPool();
        var text = new string('x', StringPool.MaxLength + 1);
        Assert.NotSame(pool.Get(text.AsSpan()), pool.Get(text.AsSpan()));
        Assert.Same(text, pool.Get(text));
        Assert.Equal(0, pool.Count);
    }
}
