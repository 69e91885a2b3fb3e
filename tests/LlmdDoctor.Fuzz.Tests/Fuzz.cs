using System.Diagnostics;
using CsCheck;

namespace LlmdDoctor.Fuzz.Tests;

/// <summary>
/// Runs a property over inputs generated from a fixed seed, so every run of the suite tries the same inputs
/// (CsCheck's <c>Sample</c> fixes only its first iteration), within an iteration count and a time budget. A failure is
/// replayed by CsCheck from its seed and shrunk to the simplest failing input it finds; the failure message carries
/// that input, to be pasted into a regression [Fact] beside the fix.
/// </summary>
public static class Fuzz
{
    /// <summary>
    /// The one seed of the suite. To explore beyond it, set <c>LLMD_FUZZ_SEED</c> (a number) and <c>LLMD_FUZZ_SECONDS</c>;
    /// a run that finds something names the CsCheck seed of the failing input.
    /// </summary>
    public static readonly ulong Seed = ulong.TryParse(Environment.GetEnvironmentVariable("LLMD_FUZZ_SEED"), out var seed) ? seed : 0x11D_D0C7;

    /// <summary>Time each target may take: in the suite 3 s, so the six targets stay well under 30 s together.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("LLMD_FUZZ_SECONDS"), out var seconds) ? seconds : 3);

    public static void Check<T>(Gen<T> gen, Action<T> property, int iterations, Func<T, string> print)
    {
        var pcg = new PCG(1, Seed);
        var clock = Stopwatch.StartNew();
        var exploring = Environment.GetEnvironmentVariable("LLMD_FUZZ_SECONDS") is not null;
        for (var i = 0; (i < iterations || exploring) && clock.Elapsed < Budget; i++)
        {
            var state = pcg.State;
            var input = gen.Generate(pcg, null, out _);
            try
            {
                property(input);
            }
            catch (Exception first)
            {
                var seed = pcg.ToString(state);
                gen.Sample(property, seed: seed, time: 10, threads: 1, print: print);
                throw new InvalidOperationException($"iteration {i} (CsCheck seed {seed}) failed once and not when replayed: {print(input)}", first);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/>; an exception of one of the <paramref name="documented"/> types is the parser's
    /// answer to bad input, anything else escapes (and fails the property).
    /// </summary>
    public static T? Documented<T>(Func<T> action, params Type[] documented)
        where T : class
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (documented.Any(t => t.IsInstanceOfType(ex)))
        {
            return null;
        }
    }
}
