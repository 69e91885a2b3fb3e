using System.Text.Json.Nodes;

namespace LlmdDoctor.Faults.Tests.Harness;

public sealed partial class FakeApiServer
{
    /// <summary>Changes a stored object in place (a cluster that differs from the healthy scenario in one field).</summary>
    public void Mutate(string kind, string ns, string name, Action<JsonObject> change)
    {
        lock (_lock)
        {
            var obj = _objects.Values.SelectMany(list => list).Single(o => (string?)o["kind"] == kind
                && (string?)o["metadata"]?["namespace"] == ns && (string?)o["metadata"]?["name"] == name);
            change(obj);
        }
    }
}
