namespace LlmdDoctor.Core.EndpointPicker;

/// <summary>What the doctor saw when it talked to one Endpoint Picker directly (ext_proc and gRPC health).</summary>
public sealed record EndpointPickerObservation(string PoolNamespace, string PoolName, string Service);
