using TodoSample;

// The main demo: the Todo server in-process on an embedded SQLite file, and clients that sync with it.
//   dotnet run --project samples/Todo                    the story, scripted; exits 0 when it ends well
//   dotnet run --project samples/Todo -- --interactive   a client you drive: type `help`
await using var server = await DemoServer.StartAsync();
return args.Contains("--interactive")
    ? await InteractiveMode.RunAsync(server, Console.In, Console.Out)
    : await StoryMode.RunAsync(server);
