namespace LlmdDoctor.Core.Cluster;

/// <summary>
/// Hands out one string instance per text for the strings read into one snapshot (label keys and values, namespace,
/// node and image names, condition types, "True"), so 50,000 Pods share them instead of each holding its own copy.
/// Bounded by construction: a fixed table of <see cref="Capacity"/> slots, each holding the last text that hashed to
/// it. A text that never repeats (a Pod name, an IP) only ever displaces one slot, and a text that repeats is put back
/// the next time it is read. Unlike <see cref="string.Intern(string)"/> nothing outlives the pool: it belongs to one
/// collection and goes with it. Texts longer than <see cref="MaxLength"/> are never pooled (they rarely repeat).
/// Not thread-safe: one pool per builder.
/// </summary>
public sealed class StringPool
{
    /// <summary>Slots of a pool made with the default capacity (a few hundred KiB at most).</summary>
    public const int DefaultCapacity = 8192;

    /// <summary>Longest text pooled, in UTF-16 code units.</summary>
    public const int MaxLength = 128;

    private readonly string?[] _slots;

    public StringPool(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _slots = new string?[capacity];
    }

    /// <summary>The most strings the pool ever holds.</summary>
    public int Capacity => _slots.Length;

    /// <summary>Strings held now (never more than <see cref="Capacity"/>).</summary>
    public int Count => _slots.Count(s => s is not null);

    /// <summary>The pooled instance equal to <paramref name="text"/>; a new one (then pooled) when none is held.</summary>
    public string Get(ReadOnlySpan<char> text) => Get(text, null);

    /// <summary>The pooled instance equal to <paramref name="text"/>; <paramref name="text"/> itself (then pooled) when none is held.</summary>
    public string Get(string text) => Get(text, text);

    private string Get(ReadOnlySpan<char> text, string? instance)
    {
        if (text.Length == 0)
        {
            return "";
        }

        if (text.Length > MaxLength)
        {
            return instance ?? text.ToString();
        }

        var slot = (int)((uint)string.GetHashCode(text) % (uint)_slots.Length);
        if (_slots[slot] is { } held && text.SequenceEqual(held))
        {
            return held;
        }

        var fresh = instance ?? text.ToString();
        _slots[slot] = fresh;
        return fresh;
    }
}
