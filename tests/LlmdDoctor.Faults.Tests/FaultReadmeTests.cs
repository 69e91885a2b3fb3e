using System.Text;
using LlmdDoctor.Faults.Tests.Harness;

namespace LlmdDoctor.Faults.Tests;

/// <summary>
/// The README's "What the doctor does when things fail" table is rendered from <see cref="FaultMatrix.All"/>: a row
/// cannot be claimed without a case that proves it. <c>UPDATE_GOLDEN=1</c> rewrites the section between the markers.
/// </summary>
public sealed class FaultReadmeTests
{
    private const string Start = "<!-- fault-matrix:start -->";
    private const string End = "<!-- fault-matrix:end -->";

    public static string Render()
    {
        var s = new StringBuilder();
        s.Append("| area | fault | what the doctor does | code |\n|---|---|---|---|\n");
        foreach (var c in FaultMatrix.All)
        {
            var does = c.Bug is null ? c.Does : $"**bug, case skipped:** {c.Bug}";
            s.Append("| ").Append(Cell(c.Area)).Append(" | ").Append(Cell(c.Fault)).Append(" | ").Append(Cell(does)).Append(" | ")
                .Append(Cell(c.Code.StartsWith("LLMD", StringComparison.Ordinal) ? $"`{c.Code}`" : c.Code)).Append(" |\n");
        }

        var byArea = FaultMatrix.All.GroupBy(c => c.Area).Select(g => $"{g.Key} {g.Count()}");
        s.Append('\n').Append(FaultMatrix.All.Count).Append(" cases: ").Append(string.Join(", ", byArea)).Append(".\n");
        return s.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    [Fact]
    public void Readme_table_is_generated_from_the_matrix()
    {
        var readme = File.ReadAllText(Repository.Readme);
        var start = readme.IndexOf(Start, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"README.md has no {Start} … {End} section");
        var expected = Render();
        var actual = readme[(start + Start.Length)..end].Trim('\n') + "\n";
        if (actual != expected && Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Repository.Readme, readme[..(start + Start.Length)] + "\n" + expected + readme[end..]);
            return;
        }

        Assert.True(actual == expected, "the README fault table drifted from the matrix; run with UPDATE_GOLDEN=1 and review the diff");
    }

    [Fact]
    public void Every_case_names_its_fault_and_its_outcome()
    {
        Assert.True(FaultMatrix.All.Count >= 40, $"{FaultMatrix.All.Count} cases");
        Assert.Equal(FaultMatrix.All.Count, FaultMatrix.All.Select(c => c.Name).Distinct().Count());
        foreach (var c in FaultMatrix.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(c.Fault), c.Name);
            Assert.False(string.IsNullOrWhiteSpace(c.Does), c.Name);
            Assert.Matches(@"^(LLMD\d{4}|none|exit [23]|skip: .+|503: .+|last report kept|exception: .+)$", c.Code);
            if (c.Code.StartsWith("LLMD", StringComparison.Ordinal))
            {
                Assert.NotNull(LlmdDoctor.Core.Findings.FindingCatalog.Find(c.Code));
            }
        }
    }
}
