using System.Globalization;
using LlmdDoctor.Core.Findings;
using LlmdDoctor.Core.Io;
using LlmdDoctor.Core.Reporting;
using LlmdDoctor.Core.Security;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LlmdDoctor.Configuration;

/// <summary>A configuration key that is wrong: the exact key, where, and why.</summary>
public sealed class ConfigException(string message) : Exception(message);

/// <summary>
/// Reads the YAML configuration strictly: an unknown key, a wrong type or a bad value fails at start-up with the
/// key path, the line, and the reason — never a silently ignored setting.
/// </summary>
public static class DoctorConfigLoader
{
    /// <summary>Environment variables that override the file, and the key each one sets.</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentKeys { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["LLMD_DOCTOR_INTERVAL"] = "interval",
        ["LLMD_DOCTOR_PROBE_TIMEOUT"] = "probe.timeout",
        ["LLMD_DOCTOR_PROBE_CONCURRENCY"] = "probe.concurrency",
        ["LLMD_DOCTOR_PROBE_MODEL"] = "probe.model",
        ["LLMD_DOCTOR_PROMETHEUS_URL"] = "prometheus.url",
        ["LLMD_DOCTOR_PROMETHEUS_TOKEN_FILE"] = "prometheus.tokenFile",
        ["LLMD_DOCTOR_GRAFANA_URL"] = "grafana.url",
        ["LLMD_DOCTOR_ALERTMANAGER_URL"] = "alertmanager.url",
        ["LLMD_DOCTOR_RUNBOOK_BASE_URL"] = "runbookBaseUrl",
        ["LLMD_DOCTOR_CYCLE_DEADLINE"] = "limits.cycleDeadline",
    };

    /// <summary>Largest configuration file read; a ConfigMap holds at most 1 MiB anyway.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    /// <summary>Deepest nesting accepted; the configuration itself nests four levels.</summary>
    public const int MaxDepth = 32;

    public static DoctorConfig LoadFile(string path, IReadOnlyDictionary<string, string?>? environment = null)
    {
        string text;
        try
        {
            // Not File.ReadAllText: a FIFO would block the start-up forever and a huge file would be held whole.
            text = BoundedFile.ReadAllText(path, MaxFileBytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read the configuration file: {ex.Message}");
        }

        return Load(text, path, environment);
    }

    public static DoctorConfig Load(string yaml, string origin, IReadOnlyDictionary<string, string?>? environment = null)
    {
        YamlMappingNode root;
        try
        {
            CheckShape(yaml, origin);
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" }
                ? new YamlMappingNode()
                : stream.Documents[0].RootNode as YamlMappingNode
                  ?? throw new ConfigException($"{origin}: the configuration must be a mapping of keys");
        }
        catch (YamlException ex)
        {
            throw new ConfigException($"{origin}:{ex.Start.Line}:{ex.Start.Column}: invalid YAML: {ex.InnerException?.Message ?? ex.Message}");
        }
        catch (ArgumentException ex)
        {
            // YamlDotNet reports some malformed mappings this way; CheckShape catches the known ones with their line first.
            throw new ConfigException($"{origin}: invalid YAML: {ex.Message}");
        }

        var fromEnvironment = new Dictionary<YamlNode, string>(ReferenceEqualityComparer.Instance);
        foreach (var (variable, key) in EnvironmentKeys)
        {
            var value = environment is null ? Environment.GetEnvironmentVariable(variable) : environment.GetValueOrDefault(variable);
            if (!string.IsNullOrEmpty(value))
            {
                fromEnvironment[Set(root, key.Split('.'), value)] = variable;
            }
        }

        return new Reader(origin, fromEnvironment).Read(root);
    }

    /// <summary>
    /// Walks the parser's events before the representation model is built (it recurses once per level): nesting
    /// deeper than <see cref="MaxDepth"/>, a duplicate key and a key that is not a single value are errors with their
    /// line, never a stack overflow, an exception from a dictionary or a silently ignored key.
    /// </summary>
    private static void CheckShape(string yaml, string origin)
    {
        var parser = new Parser(new StringReader(yaml));
        var open = new Stack<(HashSet<string>? Keys, bool NextIsKey)>();
        var line = 1L;
        while (NextEvent(parser, origin, line))
        {
            var e = parser.Current!;
            line = e.End.Line;
            var isChild = e is YamlDotNet.Core.Events.Scalar or YamlDotNet.Core.Events.AnchorAlias
                or YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart;
            if (isChild && open.TryPop(out var parent))
            {
                if (parent.Keys is not null && parent.NextIsKey)
                {
                    if (e is not YamlDotNet.Core.Events.Scalar key)
                    {
                        throw new ConfigException($"{origin}:{e.Start.Line}: a key must be a single value");
                    }

                    if (!parent.Keys.Add(key.Value))
                    {
                        throw new ConfigException($"{origin}:{e.Start.Line}: {key.Value}: duplicate key");
                    }
                }

                open.Push((parent.Keys, parent.Keys is not null && !parent.NextIsKey));
            }

            switch (e)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                    if (open.Count >= MaxDepth)
                    {
                        throw new ConfigException($"{origin}:{e.Start.Line}: nesting deeper than {MaxDepth} levels");
                    }

                    open.Push((e is YamlDotNet.Core.Events.MappingStart ? new HashSet<string>(StringComparer.Ordinal) : null, true));
                    break;
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    open.Pop();
                    break;
            }
        }
    }

    /// <summary>
    /// The parser's next event. YamlDotNet 16.3.0's scanner throws InvalidOperationException on some malformed flow
    /// mappings (a merge key glued to a scalar, then a line break; found by the fuzz harness) instead of a YamlException:
    /// that too is invalid YAML, named after the last event read.
    /// </summary>
    private static bool NextEvent(Parser parser, string origin, long line)
    {
        try
        {
            return parser.MoveNext();
        }
        catch (InvalidOperationException)
        {
            throw new ConfigException($"{origin}:{line}: invalid YAML: the YAML reader could not go on after this line");
        }
    }

    private static YamlScalarNode Set(YamlMappingNode root, string[] path, string value)
    {
        var node = root;
        for (var i = 0; i < path.Length - 1; i++)
        {
            var key = new YamlScalarNode(path[i]);
            if (!node.Children.TryGetValue(key, out var child) || child is not YamlMappingNode map)
            {
                map = new YamlMappingNode();
                node.Children[key] = map;
            }

            node = map;
        }

        var scalar = new YamlScalarNode(value);
        node.Children[new YamlScalarNode(path[^1])] = scalar;
        return scalar;
    }

    private sealed class Reader(string origin, IReadOnlyDictionary<YamlNode, string> fromEnvironment)
    {
        public DoctorConfig Read(YamlMappingNode root)
        {
            var m = new Map(this, root, "");
            var config = new DoctorConfig
            {
                Interval = m.Duration("interval", TimeSpan.FromSeconds(5), TimeSpan.FromHours(24)) ?? TimeSpan.FromSeconds(60),
                Probe = m.Child("probe") is { } probe ? ReadProbe(probe) : new ProbeConfig(),
                Gateways = m.Child("gateways") is { } gw ? ReadGateways(gw) : new GatewaySelection(),
                Prometheus = m.Child("prometheus") is { } prom ? ReadPrometheus(prom) : null,
                Grafana = m.Child("grafana") is { } graf ? ReadGrafana(graf) : null,
                Alertmanager = m.Child("alertmanager") is { } am ? ReadAlertmanager(am) : null,
                RunbookBaseUrl = m.Url("runbookBaseUrl"),
                SeverityOverrides = m.Child("severityOverrides") is { } so ? ReadOverrides(so) : new Dictionary<string, Severity>(),
                Suppressions = ReadSuppressions(m),
                Limits = m.Child("limits") is { } l ? ReadLimits(l) : new LimitsConfig(),
            };
            m.RejectUnknown();
            return config;
        }

        private static PrometheusConfig ReadPrometheus(Map m)
        {
            var c = new PrometheusConfig
            {
                Url = m.Url("url", required: true)!,
                TokenFile = m.String("tokenFile"),
                TokenSecret = m.Child("tokenSecret") is { } ts ? ReadSecretRef(ts) : null,
                CaFile = m.String("caFile"),
                InsecureSkipVerify = m.Bool("insecureSkipVerify") ?? false,
            };
            m.RejectUnknown();
            return c;
        }

        private static GrafanaConfig ReadGrafana(Map m)
        {
            var c = new GrafanaConfig
            {
                Url = m.Url("url", required: true)!,
                Credential = m.Child("credential") is { } cred ? ReadSecretRef(cred) : null,
                CaFile = m.String("caFile"),
                InsecureSkipVerify = m.Bool("insecureSkipVerify") ?? false,
            };
            m.RejectUnknown();
            return c;
        }

        private static AlertmanagerConfig ReadAlertmanager(Map m)
        {
            var c = new AlertmanagerConfig
            {
                Url = m.Url("url", required: true)!,
                TokenFile = m.String("tokenFile"),
                CaFile = m.String("caFile"),
                InsecureSkipVerify = m.Bool("insecureSkipVerify") ?? false,
            };
            m.RejectUnknown();
            return c;
        }

        private static ProbeConfig ReadProbe(Map m)
        {
            var p = new ProbeConfig
            {
                Timeout = m.Duration("timeout", TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10)) ?? TimeSpan.FromSeconds(10),
                Concurrency = m.Int("concurrency", 1, 256) ?? 8,
                SlowThreshold = m.Duration("slowThreshold", TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10)) ?? TimeSpan.FromSeconds(5),
                Model = m.String("model"),
                Direct = m.Bool("direct") ?? true,
            };
            m.RejectUnknown();
            return p;
        }

        private GatewaySelection ReadGateways(Map m)
        {
            var overrides = new Dictionary<string, GatewayOverride>(StringComparer.Ordinal);
            if (m.Child("overrides") is { } o)
            {
                foreach (var key in o.Keys)
                {
                    // An override without settings (an empty value) says nothing: refused rather than silently ignored.
                    var g = o.Child(key) ?? throw o.Error(key, "expected a mapping of url, caFile, insecureSkipVerify, credential");
                    RequireNamespacedName(o, key);
                    overrides[key] = new GatewayOverride
                    {
                        Url = g.Url("url"),
                        CaFile = g.String("caFile"),
                        InsecureSkipVerify = g.Bool("insecureSkipVerify") ?? false,
                        Credential = g.Child("credential") is { } c ? ReadSecretRef(c) : null,
                    };
                    g.RejectUnknown();
                }
            }

            var selection = new GatewaySelection
            {
                Include = m.StringList("include"),
                Exclude = m.StringList("exclude"),
                Overrides = overrides,
            };
            foreach (var (list, name) in new[] { (selection.Include, "include"), (selection.Exclude, "exclude") })
            {
                foreach (var item in list.Where(i => i.Split('/').Length != 2))
                {
                    throw m.Error(name, $"'{item}' is not NAMESPACE/NAME");
                }
            }

            m.RejectUnknown();
            return selection;
        }

        private void RequireNamespacedName(Map m, string key)
        {
            if (key.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
            {
                throw m.Error(key, "a gateway override key must be NAMESPACE/NAME");
            }
        }

        private static SecretKeyRef ReadSecretRef(Map m)
        {
            var r = new SecretKeyRef(m.String("namespace", required: true)!, m.String("name", required: true)!, m.String("key", required: true)!);
            m.RejectUnknown();
            return r;
        }

        private static Dictionary<string, Severity> ReadOverrides(Map m)
        {
            var result = new Dictionary<string, Severity>(StringComparer.OrdinalIgnoreCase);
            foreach (var key in m.Keys)
            {
                if (FindingCatalog.Find(key) is null)
                {
                    throw m.Error(key, "unknown finding code");
                }

                var value = m.String(key, required: true)!;
                if (!SeverityNames.TryParse(value, out var severity))
                {
                    throw m.Error(key, $"'{value}' is not a severity (critical, warning, info)");
                }

                result[key] = severity;
            }

            return result;
        }

        private static List<Suppression> ReadSuppressions(Map m)
        {
            var result = new List<Suppression>();
            foreach (var item in m.StringList("suppressions"))
            {
                if (!Suppression.TryParse(item, out var s, out var error))
                {
                    throw m.Error("suppressions", error);
                }

                result.Add(s!);
            }

            return result;
        }

        private static LimitsConfig ReadLimits(Map m)
        {
            var l = new LimitsConfig
            {
                MaxBodyBytes = m.Int("maxBodyBytes", 256, 1024 * 1024) ?? 4 * 1024,
                MaxDumpBytes = m.Int("maxDumpMegabytes", 1, 4096) is { } mb ? mb * 1024L * 1024 : 256L * 1024 * 1024,
                ProbeHistory = m.Int("probeHistory", 1, 1000) ?? 20,
                CheckTimeout = m.Duration("checkTimeout", TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10)) ?? TimeSpan.FromSeconds(10),
                CycleDeadline = m.Duration("cycleDeadline", TimeSpan.FromSeconds(5), TimeSpan.FromHours(48)),
            };
            m.RejectUnknown();
            return l;
        }

        /// <summary>One mapping with its key path, tracking which keys were read so unknown ones are reported.</summary>
        private sealed class Map(Reader reader, YamlMappingNode node, string path)
        {
            private readonly HashSet<string> _read = new(StringComparer.Ordinal);

            public IEnumerable<string> Keys => node.Children.Keys.OfType<YamlScalarNode>().Select(k => { _read.Add(k.Value!); return k.Value!; }).ToList();

            /// <summary>
            /// The error for one key, named where its value came from: the file and line, or the <c>LLMD_DOCTOR_*</c>
            /// variable that overrode it (a line of the file would point at a value that is not the one read).
            /// </summary>
            public ConfigException Error(string key, string reason)
            {
                if (node.Children.TryGetValue(new YamlScalarNode(key), out var value) && reader.FromEnvironment.TryGetValue(value, out var variable))
                {
                    return new ConfigException($"environment variable {variable}: {Key(key)}: {reason}");
                }

                var at = node.Children.Keys.OfType<YamlScalarNode>().FirstOrDefault(k => k.Value == key)?.Start ?? node.Start;
                return new ConfigException($"{reader.Origin}:{at.Line}: {Key(key)}: {reason}");
            }

            private string Key(string key) => path.Length == 0 ? key : $"{path}.{key}";

            private YamlNode? Get(string key)
            {
                _read.Add(key);
                return node.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;
            }

            public Map? Child(string key) => Get(key) switch
            {
                null => null,
                YamlMappingNode map => new Map(reader, map, Key(key)),
                YamlScalarNode { Value: null or "" } => null,
                _ => throw Error(key, "expected a mapping"),
            };

            public string? String(string key, bool required = false)
            {
                var value = Get(key) switch
                {
                    null => null,
                    YamlScalarNode s => s.Value,
                    _ => throw Error(key, "expected a single value"),
                };
                if (required && string.IsNullOrWhiteSpace(value))
                {
                    throw Error(key, "is required");
                }

                return string.IsNullOrEmpty(value) ? null : value;
            }

            /// <summary>
            /// An http(s) URL without user information: a <c>user:password@</c> would be printed in reports and become a
            /// metric label, so it is refused — naming the key, never echoing the password.
            /// </summary>
            public string? Url(string key, bool required = false)
            {
                var value = String(key, required);
                if (value is null)
                {
                    return null;
                }

                if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    throw Error(key, $"'{WithoutUserInfo(value)}' is not an http(s) URL");
                }

                if (uri.UserInfo.Length > 0)
                {
                    throw Error(key, "has a user name or password in it (user:…@host); give the credential as a token file or Secret instead");
                }

                if (!KnownCredentials.IsSendable(value))
                {
                    throw Error(key, "contains a line break or another control character");
                }

                return value;
            }

            /// <summary>The URL as written, with anything between the scheme and an <c>@</c> of its authority replaced.</summary>
            private static string WithoutUserInfo(string value)
            {
                var start = value.IndexOf("://", StringComparison.Ordinal) is var s and >= 0 ? s + 3 : 0;
                var end = value.IndexOfAny(['/', '?', '#'], start) is var e and >= 0 ? e : value.Length;
                var at = end > start ? value.LastIndexOf('@', end - 1, end - start) : -1;
                return at < 0 ? value : value[..start] + "…" + value[at..];
            }

            public bool? Bool(string key) => String(key) switch
            {
                null => null,
                "true" or "True" or "TRUE" => true,
                "false" or "False" or "FALSE" => false,
                var other => throw Error(key, $"'{other}' is not true or false"),
            };

            public int? Int(string key, int min, int max)
            {
                var value = String(key);
                if (value is null)
                {
                    return null;
                }

                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
                {
                    throw Error(key, $"'{value}' is not a whole number between {min} and {max}");
                }

                return n;
            }

            /// <summary>A duration between <paramref name="min"/> and <paramref name="max"/>, both inclusive.</summary>
            public TimeSpan? Duration(string key, TimeSpan min, TimeSpan max)
            {
                var value = String(key);
                if (value is null)
                {
                    return null;
                }

                if (!TryParseDuration(value, out var d))
                {
                    throw Error(key, $"'{value}' is not a duration (e.g. 500ms, 30s, 5m, 1h)");
                }

                return d < min ? throw Error(key, $"must be at least {Format(min)}")
                    : d > max ? throw Error(key, $"'{value}' is longer than {Format(max)}, the most it may be")
                    : d;
            }

            private static string Format(TimeSpan d) =>
                d.TotalHours >= 1 && d.TotalHours % 1 == 0 ? $"{d.TotalHours:0}h"
                : d.TotalMinutes >= 1 && d.TotalMinutes % 1 == 0 ? $"{d.TotalMinutes:0}m"
                : d.TotalSeconds >= 1 && d.TotalSeconds % 1 == 0 ? $"{d.TotalSeconds:0}s"
                : $"{d.TotalMilliseconds:0}ms";

            public IReadOnlyList<string> StringList(string key) => Get(key) switch
            {
                null => [],
                YamlSequenceNode seq => [.. seq.Children.Select(c => c is YamlScalarNode { Value: { } v } ? v : throw Error(key, "expected a list of strings"))],
                YamlScalarNode { Value: null or "" } => [],
                _ => throw Error(key, "expected a list"),
            };

            public void RejectUnknown()
            {
                foreach (var k in node.Children.Keys.OfType<YamlScalarNode>())
                {
                    if (!_read.Contains(k.Value!))
                    {
                        throw new ConfigException($"{reader.Origin}:{k.Start.Line}: {Key(k.Value!)}: unknown key");
                    }
                }
            }
        }

        public string Origin => origin;

        public IReadOnlyDictionary<YamlNode, string> FromEnvironment => fromEnvironment;
    }

    /// <summary>
    /// Parses Prometheus-style durations: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>, a non-negative decimal number
    /// and a unit. NaN, infinity, signs, exponents and anything beyond <see cref="TimeSpan.MaxValue"/> are not durations.
    /// </summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var t = text.Trim();
        var (unit, factor) = t.EndsWith("ms", StringComparison.Ordinal) ? ("ms", 1.0)
            : t.EndsWith('s') ? ("s", 1000.0)
            : t.EndsWith('m') ? ("m", 60_000.0)
            : t.EndsWith('h') ? ("h", 3_600_000.0)
            : ("", 0.0);
        var number = t[..^unit.Length];

        // double.TryParse accepts "NaN" and "Infinity" whatever the styles: only digits and one point pass here.
        if (unit.Length == 0 || number.Length == 0 || number.Any(c => c is not (>= '0' and <= '9' or '.'))
            || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }

        var milliseconds = n * factor;
        if (!double.IsFinite(milliseconds) || milliseconds >= TimeSpan.MaxValue.TotalMilliseconds)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }
}
