using System.Globalization;

namespace LlmdDoctor.Simulator.Gateway;

/// <summary>A <c>google.protobuf.Duration</c> in its JSON form as Envoy prints it in a config_dump (<c>1000s</c>, <c>0.500s</c>).</summary>
internal static class ProtoDuration
{
    public static TimeSpan Parse(string text) =>
        text.EndsWith('s') && decimal.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromMilliseconds((double)(seconds * 1000m))
            : throw new FormatException($"not a protobuf Duration: '{text}'");
}
