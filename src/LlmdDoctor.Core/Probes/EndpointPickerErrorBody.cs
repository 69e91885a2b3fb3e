namespace LlmdDoctor.Core.Probes;

/// <summary>
/// The body of an Endpoint Picker ImmediateResponse: <c>inference gateway: &lt;Code&gt; - &lt;Msg&gt;</c>
/// (GIE pkg/epp/util/error/error.go <c>Error()</c>; codes Unknown, BadRequest, Internal, ServiceUnavailable,
/// ModelServerError, BadConfiguration, InferencePoolResourceExhausted).
/// </summary>
public sealed record EndpointPickerErrorBody(string Code, string Message)
{
    private const string Prefix = "inference gateway: ";

    public static bool TryParse(string body, out EndpointPickerErrorBody error)
    {
        error = null!;
        var text = body.Trim();
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = text[Prefix.Length..];
        var dash = rest.IndexOf(" - ", StringComparison.Ordinal);
        error = dash < 0 ? new EndpointPickerErrorBody(rest.Trim(), "") : new EndpointPickerErrorBody(rest[..dash].Trim(), rest[(dash + 3)..].Trim());
        return true;
    }

    /// <summary>The EPP found nowhere to send the request (GIE: ServiceUnavailable 503 "failed to find candidate pods…", Internal 500 "no pods available…").</summary>
    public bool MeansNoPods =>
        Code == "ServiceUnavailable"
        || (Code == "Internal" && Message.Contains("no pods available", StringComparison.OrdinalIgnoreCase));

    /// <summary>The pool is saturated (GIE: InferencePoolResourceExhausted → 429).</summary>
    public bool MeansShed => Code == "InferencePoolResourceExhausted";

    public override string ToString() => $"{Prefix}{Code} - {Message}";
}
