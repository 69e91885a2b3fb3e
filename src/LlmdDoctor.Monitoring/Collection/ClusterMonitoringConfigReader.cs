using LlmdDoctor.Core.Cluster;
using LlmdDoctor.Core.Monitoring;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LlmdDoctor.Monitoring.Collection;

/// <summary>
/// Reads <c>enableUserWorkload</c> from <c>openshift-monitoring/cluster-monitoring-config</c> key <c>config.yaml</c>
/// (ClusterMonitoringConfiguration, cluster-monitoring-operator Documentation/api.md) with YamlDotNet's
/// representation model: no reflection, and a malformed document becomes a reason instead of an exception.
/// </summary>
public static class ClusterMonitoringConfigReader
{
    public const string ConfigKey = "config.yaml";

    public static ClusterMonitoringConfigFact Read(ConfigMap? configMap)
    {
        if (configMap is null)
        {
            return ClusterMonitoringConfigFact.Missing;
        }

        if (!configMap.Data.TryGetValue(ConfigKey, out var text))
        {
            return new(true, null, "", $"it has no {ConfigKey} key");
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            {
                return new(true, null, "", "");
            }

            if (stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                return new(true, null, "", $"{ConfigKey} is not a YAML mapping");
            }

            if (!root.Children.TryGetValue(new YamlScalarNode("enableUserWorkload"), out var node))
            {
                return new(true, null, "", "");
            }

            if (node is not YamlScalarNode { Value: { } raw })
            {
                return new(true, null, "(not a scalar)", "");
            }

            // CMO decodes with sigs.k8s.io/yaml into a *bool: only true/false spellings are booleans.
            bool? value = raw switch
            {
                "true" or "True" or "TRUE" => true,
                "false" or "False" or "FALSE" => false,
                _ => null,
            };
            return new(true, value, raw, "");
        }
        catch (YamlException ex)
        {
            return new(true, null, "", $"{ConfigKey} is not valid YAML: {ex.Message}");
        }
    }
}
