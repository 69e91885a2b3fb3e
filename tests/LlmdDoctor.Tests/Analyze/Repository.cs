namespace LlmdDoctor.Tests;

/// <summary>Paths inside the repository, found from the test binary's location.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Scenario(string name) => Path.Combine(Root, "src", "LlmdDoctor.Simulator", "Scenarios", name);

    public static string ScenarioBundle(string name) => Path.Combine(Scenario(name), "bundle");

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
