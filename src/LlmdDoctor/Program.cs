using LlmdDoctor.Cli;

return await DoctorCommandLine.RunAsync(args, CliConsole.System()).ConfigureAwait(false);
