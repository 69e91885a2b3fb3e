using System.CommandLine;
using LlmdDoctor.Kubernetes;

namespace LlmdDoctor.Cli;

/// <summary>How a command reaches the cluster: in-cluster service account, else kubeconfig (as kubectl).</summary>
public sealed class ClusterOptions
{
    public Option<string?> Context { get; } = new("--context")
    {
        Description = "kubeconfig context (default: the in-cluster service account in a pod, else the current context)",
    };

    public Option<string?> Kubeconfig { get; } = new("--kubeconfig")
    {
        Description = "kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Context);
        command.Options.Add(Kubeconfig);
    }

    public KubeConnection Connect(ParseResult parse, CliConsole console)
    {
        var file = parse.GetValue(Kubeconfig);
        return KubeConnection.Discover(
            parse.GetValue(Context),
            name => name == "KUBECONFIG" && file is not null ? file : console.Environment(name),
            kubeconfigGiven: file is not null);
    }
}
