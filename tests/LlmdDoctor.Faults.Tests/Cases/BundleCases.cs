using System.Text;
using LlmdDoctor.Faults.Tests.Harness;

namespace LlmdDoctor.Faults.Tests.Cases;

/// <summary>
/// Hostile or broken bundles given to <c>llmd-doctor analyze</c>: links out of the bundle, FIFOs, huge files, parser
/// bombs and malformed documents. Each bad file is reported (LLMD0003 naming it, never its absolute path) and
/// skipped; the rest of the bundle is analysed; nothing blocks, overflows the stack or grows without bound.
/// </summary>
public static class BundleCases
{
    private const string Area = "Bundle (analyze)";

    /// <summary>A copy of the <c>healthy</c> scenario's bundle (in which the doctor reports nothing) to break.</summary>
    private sealed class Copy : IDisposable
    {
        public Copy()
        {
            Dir = Directory.CreateTempSubdirectory("llmd-bundle-fault-").FullName;
            var source = Repository.ScenarioBundle("healthy");
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(Dir, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        public string Dir { get; }

        public string PodDump => Path.Combine(Dir, "envoy", "openshift-ingress", HealthyCluster.GatewayPod, "config_dump.json");

        public void Write(string relative, string content)
        {
            var path = Path.Combine(Dir, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
        }

        public Task<DoctorOutcome> AnalyzeAsync(params string[] extra) => Harness.Cli.RunAsync(["analyze", Dir, "-o", "json", .. extra]);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>LLMD0003 naming <paramref name="file"/> with <paramref name="reason"/>; the rest analysed (the gateway's flow is there); no absolute path.</summary>
    private static void FileSkipped(DoctorOutcome outcome, Copy bundle, string file, string reason)
    {
        var finding = Expect.Finding(outcome, "LLMD0003", "source", file);
        Assert.Contains(reason, finding.Evidence["reason"], StringComparison.Ordinal);
        Assert.Contains(outcome.Report.Flows, f => f.Gateway == HealthyCluster.GatewayKey);
        Assert.DoesNotContain(bundle.Dir, outcome.Out, StringComparison.Ordinal);
        Expect.NoCrash(outcome);
    }

    private static string AliasBomb()
    {
        var yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        var previous = "a";
        for (var i = 1; i < 12; i++)
        {
            yaml.Append($"b{i}: &b{i} [{string.Join(", ", Enumerable.Repeat("*" + previous, 9))}]\n");
            previous = $"b{i}";
        }

        return yaml.ToString();
    }

    public static IEnumerable<FaultCase> All =>
    [
        new(Area, "none (control: the healthy bundle)", "reads every file: no finding about the source", "none", async () =>
        {
            using var bundle = new Copy();
            var outcome = await bundle.AnalyzeAsync();
            Expect.NoFinding(outcome, "LLMD0003");
            Expect.NoCrash(outcome);
        }),

        new(Area, "a directory symlink to /", "does not follow it: reported as a link outside the bundle, the filesystem is not walked", "LLMD0003", async () =>
        {
            using var bundle = new Copy();
            File.CreateSymbolicLink(Path.Combine(bundle.Dir, "root"), "/");
            FileSkipped(await bundle.AnalyzeAsync(), bundle, "root", "outside the bundle");
        }),

        new(Area, "a file symlink to an object file outside the bundle", "does not read it: reported as outside the bundle; its object is not in the report", "LLMD0003", async () =>
        {
            using var bundle = new Copy();
            var outside = Path.Combine(Path.GetTempPath(), $"llmd-outside-{Guid.NewGuid():N}.yaml");
            await File.WriteAllTextAsync(outside, "apiVersion: v1\nkind: Service\nmetadata: {name: stolen-service, namespace: my-first-model}\n");
            try
            {
                File.CreateSymbolicLink(Path.Combine(bundle.Dir, "stolen.yaml"), outside);
                var outcome = await bundle.AnalyzeAsync();
                FileSkipped(outcome, bundle, "stolen.yaml", "outside the bundle");
                Assert.DoesNotContain("stolen-service", outcome.Out, StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(outside);
            }
        }),

        new(Area, "a directory symlink to the bundle itself (a loop)", "does not follow directory links: reported once, no endless walk", "LLMD0003", async () =>
        {
            using var bundle = new Copy();
            File.CreateSymbolicLink(Path.Combine(bundle.Dir, "loop"), bundle.Dir);
            FileSkipped(await bundle.AnalyzeAsync(), bundle, "loop", "directory, not followed");
        }),

        new(Area, "none (control: a symlink to a file inside the bundle)", "follows links that stay inside: the object is read, nothing reported", "none", async () =>
        {
            using var bundle = new Copy();
            bundle.Write("extra/svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: linked-service, namespace: my-first-model}\nspec: {ports: [{port: 80}]}\n");
            File.CreateSymbolicLink(Path.Combine(bundle.Dir, "linked.yaml"), Path.Combine(bundle.Dir, "extra", "svc.yaml"));
            var outcome = await bundle.AnalyzeAsync();
            Expect.NoFinding(outcome, "LLMD0003");
        }),

        new(Area, "a dangling symlink", "reports it as a symlink to nothing; the rest is read", "LLMD0003", async () =>
        {
            using var bundle = new Copy();
            File.CreateSymbolicLink(Path.Combine(bundle.Dir, "dangling.yaml"), Path.Combine(bundle.Dir, "nothing.yaml"));
            FileSkipped(await bundle.AnalyzeAsync(), bundle, "dangling.yaml", "symlink to nothing");
        }),

        new(Area, "directories nested 20 levels deep", "walks at most 16 levels: the deeper folder is reported and skipped", "LLMD0003", async () =>
        {
            using var bundle = new Copy();
            bundle.Write(string.Join("/", Enumerable.Range(0, 20).Select(i => $"d{i}")) + "/svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: deep, namespace: my-first-model}\n");
            FileSkipped(await bundle.AnalyzeAsync(), bundle, "d0/", "deeper than 16 directory levels");
        }),

        new(Area, "a FIFO named pods.yaml", "does not open it (a read would block forever): reported as not a regular file", "LLMD0003", async () =>
        {
            using var bundle = new Copy();
            using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [Path.Combine(bundle.Dir, "pods.yaml")])!)
            {
                await mkfifo.WaitForExitAsync();
                Assert.Equal(0, mkfifo.ExitCode);
            }

            FileSkipped(await bundle.AnalyzeAsync(), bundle, "pods.yaml", "not a regular file");
        }),

        new(Area, "a 2 GB object file (sparse)", "does not read it (64 MiB cap per object file): reported as too large; memory stays flat", "LLMD0003", async () =>
        {
            using var bundle = new Copy();
            await using (var huge = File.Create(Path.Combine(bundle.Dir, "huge.yaml")))
            {
                huge.SetLength(2L * 1024 * 1024 * 1024);
            }

            var outcome = await Memory.BoundedAsync(() => bundle.AnalyzeAsync(), 200);
            FileSkipped(outcome, bundle, "huge.yaml", "more than the 64 MiB");
        }),

        new(Area, "a config_dump larger than limits.maxDumpMegabytes", "honours the configured cap (1 MiB here): the dump is reported as larger than the limit, not read; the Envoy checks are skipped", "LLMD0003", async () =>
        {
            using var bundle = new Copy();
            var dump = await File.ReadAllTextAsync(bundle.PodDump);
            await File.WriteAllTextAsync(bundle.PodDump, dump + new string(' ', 2 * 1024 * 1024));
            var config = Path.Combine(bundle.Dir, "..", $"llmd-config-{Guid.NewGuid():N}.yaml");
            await File.WriteAllTextAsync(config, "limits:\n  maxDumpMegabytes: 1\n");
            try
            {
                var outcome = await bundle.AnalyzeAsync("--config", config);
                Expect.Finding(outcome, "LLMD0003", "reason", "larger than the limit of 1048576 bytes");
                Expect.NoCrash(outcome);
            }
            finally
            {
                File.Delete(config);
            }
        }),

        new(Area, "a YAML alias bomb (a billion laughs)", "stops expanding at the node budget: reported as an alias bomb, memory stays flat", "LLMD0003", async () =>
        {
            using var bundle = new Copy();
            bundle.Write("bomb.yaml", AliasBomb());
            var outcome = await Memory.BoundedAsync(() => bundle.AnalyzeAsync(), 150);
            FileSkipped(outcome, bundle, "bomb.yaml", "alias bomb");
        }),

        new(Area, "YAML nested 5,000 levels deep", "stops at 256 levels: reported, no stack overflow", "LLMD0003", async () =>
        {
            using var bundle = new Copy();
            bundle.Write("deep.yaml", string.Concat(Enumerable.Range(0, 5_000).Select(i => new string(' ', i) + "k:\n")) + new string(' ', 5_000) + "v\n");
            FileSkipped(await bundle.AnalyzeAsync(), bundle, "deep.yaml", "nesting deeper than 256 levels");
        }),

        new(Area, "YAML flow sequences nested 100,000 deep", "stops at 256 levels: reported, no stack overflow", "LLMD0003", async () =>
        {
            using var bundle = new Copy();
            bundle.Write("flow.yaml", "x: " + new string('[', 100_000) + new string(']', 100_000) + "\n");
            FileSkipped(await bundle.AnalyzeAsync(), bundle, "flow.yaml", "nesting deeper than 256 levels");
        }),

        new(Area, "JSON nested 100,000 deep", "refuses the depth: reported as invalid JSON naming the line, no stack overflow", "LLMD0003", async () =>
        {
            using var bundle = new Copy();
            bundle.Write("deep.json", new string('[', 100_000) + new string(']', 100_000));
            FileSkipped(await bundle.AnalyzeAsync(), bundle, "deep.json", "invalid JSON");
        }),

        new(Area, "JSON object with a duplicate key", "reports the file with line and the duplicate property; the rest is read", "LLMD0003", async () =>
        {
            using var bundle = new Copy();
            bundle.Write("dup.json", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\",\"name\":\"b\"}}");
            FileSkipped(await bundle.AnalyzeAsync(), bundle, "dup.json", "Duplicate property 'name'");
        }),

        new(Area, "YAML mapping with a duplicate key", "reports the file as invalid YAML; the rest is read", "LLMD0003", async () =>
        {
            using var bundle = new Copy();
            bundle.Write("dup.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n");
            FileSkipped(await bundle.AnalyzeAsync(), bundle, "dup.yaml", "invalid YAML");
        }),

        new(Area, "YAML with a bad indent", "reports the file with line:column; the rest is read", "LLMD0003", async () =>
        {
            using var bundle = new Copy();
            bundle.Write("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   bad: indent\n");
            FileSkipped(await bundle.AnalyzeAsync(), bundle, "bad.yaml", "5:");
        }),

        new(Area, "binary garbage in a .yaml file", "reports the file as unreadable; the rest is read", "LLMD0003", async () =>
        {
            using var bundle = new Copy();
            await File.WriteAllBytesAsync(Path.Combine(bundle.Dir, "garbage.yaml"), [.. Enumerable.Range(0, 4096).Select(i => (byte)((i * 7919) % 256))]);
            var outcome = await bundle.AnalyzeAsync();
            Expect.Finding(outcome, "LLMD0003", "source", "garbage.yaml");
            Expect.NoCrash(outcome);
        }),

        new(Area, "an empty bundle directory", "nothing to analyse is never healthy: exits 3 saying it holds no readable file", "exit 3", async () =>
        {
            var empty = Directory.CreateTempSubdirectory("llmd-empty-bundle-").FullName;
            try
            {
                var outcome = await Harness.Cli.RunAsync(["analyze", empty, "-o", "json"]);
                Expect.Exit(outcome, 3, "no readable file");
            }
            finally
            {
                Directory.Delete(empty);
            }
        }),

        new(Area, "a bundle directory that does not exist", "exits 3 naming the missing directory", "exit 3", async () =>
        {
            var outcome = await Harness.Cli.RunAsync(["analyze", Path.Combine(Path.GetTempPath(), $"llmd-no-such-{Guid.NewGuid():N}"), "-o", "json"]);
            Expect.Exit(outcome, 3, "llmd-no-such-");
        }),
    ];
}
