namespace LlmdDoctor.Probes.Tests;

/// <summary>One local test gateway (Kestrel) shared by the prober tests.</summary>
[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<TestGateway>
{
    public const string Name = "test gateway";
}
