using SecretShare.Cli;

return await CliApp.RunAsync(args, CliHost.FromConsole());
