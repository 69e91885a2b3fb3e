using LlmdDoctor.Bench;

// The benchmark harness driven by bench/run.sh. Each subcommand is one role in one measurement; see bench/README.md.
return args.FirstOrDefault() switch
{
    "serve-vllm" => await VllmServer.RunAsync(Args.Parse(args)),
    "probe-overhead" => await ProbeOverhead.RunAsync(Args.Parse(args)),
    "gen-dump" => DumpBench.Generate(Args.Parse(args)),
    "dump-modes" => DumpBench.Modes(Args.Parse(args)),
    "simulate" => await SimulatorBench.RunAsync(Args.Parse(args)),
    "scale" => await ScaleBench.RunAsync(Args.Parse(args)),
    "pod-inventory" => await PodInventoryBench.RunAsync(Args.Parse(args)),
    "footprint" => await AgentBench.MeasureAsync(Args.Parse(args)),
    "results" => ResultsWriter.Write(Args.Parse(args)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: llmd-doctor-bench serve-vllm|probe-overhead|gen-dump|dump-modes|simulate|scale|pod-inventory|footprint|results [--key value]...");
    return 2;
}
