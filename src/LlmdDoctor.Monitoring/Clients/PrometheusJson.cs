using System.Globalization;
using System.Text.Json;
using LlmdDoctor.Core.Monitoring;

namespace LlmdDoctor.Monitoring.Clients;

/// <summary>The envelope of a Prometheus HTTP API answer: <c>{"status":"success"|"error","errorType","error","data"}</c>.</summary>
public sealed record PrometheusEnvelope(bool Success, string Error);

/// <summary>
/// Reads Prometheus API answers with <see cref="Utf8JsonReader"/> (no reflection, no DOM): instant query
/// vectors/matrices/scalars, <c>/api/v1/series</c> label sets and <c>/api/v1/rules</c> groups. Unknown fields are skipped.
/// </summary>
public static class PrometheusJson
{
    public static (PrometheusEnvelope Envelope, List<PromSample> Samples) ReadQuery(ReadOnlySpan<byte> json)
    {
        var samples = new List<PromSample>();
        var envelope = ReadEnvelope(json, (ref Utf8JsonReader r) =>
        {
            Expect(ref r, JsonTokenType.StartObject);
            var scalar = false;
            while (Next(ref r) == JsonTokenType.PropertyName)
            {
                var name = r.GetString();
                Next(ref r);
                if (name == "resultType")
                {
                    scalar = r.GetString() is "scalar" or "string";
                }
                else if (name == "result" && r.TokenType == JsonTokenType.StartArray)
                {
                    if (scalar)
                    {
                        var value = ReadValuePair(ref r);
                        samples.Add(new PromSample(new Dictionary<string, string>(), value));
                    }
                    else
                    {
                        ReadSeriesArray(ref r, samples);
                    }
                }
                else
                {
                    r.Skip();
                }
            }
        });
        return (envelope, samples);
    }

    public static (PrometheusEnvelope Envelope, List<IReadOnlyDictionary<string, string>> Series) ReadSeries(ReadOnlySpan<byte> json)
    {
        var series = new List<IReadOnlyDictionary<string, string>>();
        var envelope = ReadEnvelope(json, (ref Utf8JsonReader r) =>
        {
            Expect(ref r, JsonTokenType.StartArray);
            while (Next(ref r) == JsonTokenType.StartObject)
            {
                series.Add(ReadLabels(ref r));
            }
        });
        return (envelope, series);
    }

    public static (PrometheusEnvelope Envelope, List<LoadedRuleGroup> Groups) ReadRules(ReadOnlySpan<byte> json, string ns = "")
    {
        var groups = new List<LoadedRuleGroup>();
        var envelope = ReadEnvelope(json, (ref Utf8JsonReader r) =>
        {
            Expect(ref r, JsonTokenType.StartObject);
            while (Next(ref r) == JsonTokenType.PropertyName)
            {
                var name = r.GetString();
                Next(ref r);
                if (name != "groups" || r.TokenType != JsonTokenType.StartArray)
                {
                    r.Skip();
                    continue;
                }

                while (Next(ref r) == JsonTokenType.StartObject)
                {
                    groups.Add(ReadGroup(ref r, ns));
                }
            }
        });
        return (envelope, groups);
    }

    private delegate void DataReader(ref Utf8JsonReader reader);

    private static PrometheusEnvelope ReadEnvelope(ReadOnlySpan<byte> json, DataReader readData)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var status = "";
        var error = "";
        try
        {
            Expect(ref reader, JsonTokenType.StartObject);
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                Next(ref reader);
                switch (name)
                {
                    case "status":
                        status = reader.GetString() ?? "";
                        break;
                    case "error":
                        error = reader.GetString() ?? "";
                        break;
                    case "data" when reader.TokenType != JsonTokenType.Null:
                        readData(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return new PrometheusEnvelope(false, $"not a Prometheus API answer: {ex.Message}");
        }

        return status == "success"
            ? new PrometheusEnvelope(true, "")
            : new PrometheusEnvelope(false, error.Length > 0 ? error : $"status '{status}'");
    }

    private static void ReadSeriesArray(ref Utf8JsonReader r, List<PromSample> samples)
    {
        while (Next(ref r) == JsonTokenType.StartObject)
        {
            IReadOnlyDictionary<string, string> labels = new Dictionary<string, string>();
            var value = double.NaN;
            while (Next(ref r) == JsonTokenType.PropertyName)
            {
                var name = r.GetString();
                Next(ref r);
                switch (name)
                {
                    case "metric":
                        labels = ReadLabels(ref r);
                        break;
                    case "value":
                        value = ReadValuePair(ref r);
                        break;
                    default:
                        r.Skip();
                        break;
                }
            }

            samples.Add(new PromSample(labels, value));
        }
    }

    private static LoadedRuleGroup ReadGroup(ref Utf8JsonReader r, string ns)
    {
        var name = "";
        var file = "";
        var rules = new List<string>();
        while (Next(ref r) == JsonTokenType.PropertyName)
        {
            var property = r.GetString();
            Next(ref r);
            if (property == "name")
            {
                name = r.GetString() ?? "";
            }
            else if (property == "file")
            {
                file = r.GetString() ?? "";
            }
            else if (property == "rules" && r.TokenType == JsonTokenType.StartArray)
            {
                while (Next(ref r) == JsonTokenType.StartObject)
                {
                    while (Next(ref r) == JsonTokenType.PropertyName)
                    {
                        var key = r.GetString();
                        Next(ref r);
                        if (key == "name" && r.TokenType == JsonTokenType.String)
                        {
                            rules.Add(r.GetString() ?? "");
                        }
                        else
                        {
                            r.Skip();
                        }
                    }
                }
            }
            else
            {
                r.Skip();
            }
        }

        return new LoadedRuleGroup(name, file, rules, ns);
    }

    /// <summary>Reads <c>{"label":"value",…}</c> with the reader on its StartObject.</summary>
    internal static Dictionary<string, string> ReadLabels(ref Utf8JsonReader r)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        while (Next(ref r) == JsonTokenType.PropertyName)
        {
            var key = r.GetString() ?? "";
            Next(ref r);
            if (r.TokenType == JsonTokenType.String)
            {
                labels[key] = r.GetString() ?? "";
            }
            else
            {
                r.Skip();
            }
        }

        return labels;
    }

    /// <summary>Reads <c>[timestamp, "value"]</c>.</summary>
    private static double ReadValuePair(ref Utf8JsonReader r)
    {
        var value = double.NaN;
        while (Next(ref r) != JsonTokenType.EndArray)
        {
            if (r.TokenType == JsonTokenType.String)
            {
                var text = r.GetString();
                value = text switch
                {
                    "NaN" => double.NaN,
                    "+Inf" => double.PositiveInfinity,
                    "-Inf" => double.NegativeInfinity,
                    _ => double.Parse(text ?? "", NumberStyles.Float, CultureInfo.InvariantCulture),
                };
            }
            else
            {
                r.Skip();
            }
        }

        return value;
    }

    internal static JsonTokenType Next(ref Utf8JsonReader r) =>
        r.Read() ? r.TokenType : throw new JsonException("unexpected end of JSON");

    internal static void Expect(ref Utf8JsonReader r, JsonTokenType type)
    {
        if (r.TokenType == JsonTokenType.None)
        {
            Next(ref r);
        }

        if (r.TokenType != type)
        {
            throw new JsonException($"expected {type}, found {r.TokenType}");
        }
    }
}
