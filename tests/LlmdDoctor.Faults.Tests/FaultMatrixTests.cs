namespace LlmdDoctor.Faults.Tests;

/// <summary>Runs every row of <see cref="FaultMatrix"/>: each names the fault and asserts the exact outcome.</summary>
public sealed class FaultMatrixTests
{
    [Theory]
    [MemberData(nameof(FaultMatrix.Fast), MemberType = typeof(FaultMatrix))]
    public Task Fault(string name) => FaultMatrix.Named(name).Run();

    [Fact]
    public void Every_bug_row_has_its_skipped_fact()
    {
        var facts = typeof(FaultMatrixTests).GetMethods()
            .Select(m => m.GetCustomAttributes(typeof(FactAttribute), false).OfType<FactAttribute>().FirstOrDefault()?.Skip)
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var c in FaultMatrix.All.Where(c => c.Bug is not null))
        {
            Assert.Contains($"bug: {c.Bug}", facts);
        }
    }
}

/// <summary>The rows bound by a timeout the configuration cannot shorten; a separate class so they run beside the rest.</summary>
public sealed class SlowFaultMatrixTests
{
    [Theory]
    [MemberData(nameof(FaultMatrix.Slow), MemberType = typeof(FaultMatrix))]
    public Task Fault(string name) => FaultMatrix.Named(name).Run();
}
