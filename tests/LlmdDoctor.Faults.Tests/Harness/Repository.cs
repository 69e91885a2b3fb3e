namespace LlmdDoctor.Faults.Tests.Harness;

/// <summary>Paths inside the repository, found from the test binary's location.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string ScenarioBundle(string name) => Path.Combine(Root, "src", "LlmdDoctor.Simulator", "Scenarios", name, "bundle");

    public static string Readme => Path.Combine(Root, "README.md");

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "LlmdDoctor.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("LlmdDoctor.sln not found above " + AppContext.BaseDirectory);
    }
}
