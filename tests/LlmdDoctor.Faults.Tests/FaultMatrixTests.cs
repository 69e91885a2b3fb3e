namespace LlmdDoctor.Faults.Tests;

/// <summary>Runs every row of <see cref="FaultMatrix"/>: each names the fault and asserts the exact outcome.</summary>
public sealed class FaultMatrixTests
{
    [Theory]
    [MemberData(nameof(FaultMatrix.Fast), MemberType = typeof(FaultMatrix))]
    public Task Fault(string name) => FaultMatrix.Named(name).Run();
}

/// <summary>The rows bound by a timeout the configuration cannot shorten; a separate class so they run beside the rest.</summary>
public sealed class SlowFaultMatrixTests
{
    [Theory]
    [MemberData(nameof(FaultMatrix.Slow), MemberType = typeof(FaultMatrix))]
    public Task Fault(string name) => FaultMatrix.Named(name).Run();
}
