using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using ViewSync.Server.Tests.Support;
using Xunit.Abstractions;

namespace ViewSync.Server.Tests.Security;

/// <summary>
/// The hostile-input suite: hundreds of generated requests (seeded, so a failure reproduces) that a
/// careless or malicious client could send — invalid, truncated and mistyped JSON, nulls, huge arrays
/// and bodies, deep nesting, invalid UTF-8, odd ids and scopes, odd methods, content types and
/// credentials, slow and aborted bodies. Every answer must be below 500 and free of stack traces,
/// nothing may be logged at Error or with an exception, and the server must still sync afterwards.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private const int Seed = 11;

    private static readonly string Valid = Mutation("m-valid", "user:h", """{"id":"t1","data":{"id":"t1","title":"x","done":false}}""");

    private static string Mutation(string id, string scope, string args, string name = "todo.create") =>
        $$"""{"id":"{{id}}","name":"{{name}}","scope":"{{scope}}","args":{{args}}}""";

    private static string Push(params string[] mutations) => $$"""{"mutations":[{{string.Join(",", mutations)}}]}""";

    private static readonly string[] OddValues =
    [
        "null", "true", "0", "-1", "1e309", "18446744073709551616", "\"\"", "\" \"", "[]", "{}", "[null]", "\"\\u0000\"",
        "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud800\\ud800\"", "\"é\"", "\"👍\"", "\"../../etc\"", "\"a\\nb\"", "1.5", "\"" + new string('x', 2000) + "\"",
    ];

    /// <summary>Every generated body, with the route it is sent to.</summary>
    private static List<(string Route, byte[] Body, string Kind)> Generate()
    {
        var random = new Random(Seed);
        var cases = new List<(string, byte[], string)>();
        void Add(string route, string body, string kind) => cases.Add((route, Encoding.UTF8.GetBytes(body), kind));

        // Truncated JSON: a valid push, pull and snapshot cut at many places.
        var validPush = Push(Valid);
        for (var cut = 0; cut < validPush.Length; cut += 4)
        {
            Add("push", validPush[..cut], "truncated");
        }

        foreach (var (route, body) in new[] { ("pull", """{"scope":"user:h","cursor":0,"limit":5}"""), ("snapshot", """{"scope":"user:h"}""") })
        {
            for (var cut = 0; cut < body.Length; cut += 3)
            {
                Add(route, body[..cut], "truncated");
            }
        }

        // Wrong types and nulls in every field.
        foreach (var value in OddValues)
        {
            Add("push", $$"""{"mutations":{{value}}}""", "wrong type");
            Add("push", Push(value), "wrong type");
            Add("push", Push($$$"""{"id":{{{value}}},"name":"todo.create","scope":"user:h","args":{}}"""), "odd id");
            Add("push", Push($$$"""{"id":"m","name":{{{value}}},"scope":"user:h","args":{}}"""), "odd name");
            Add("push", Push($$$$"""{"id":"m-{{{{random.Next()}}}}","name":"todo.create","scope":{{{{value}}}},"args":{"id":"t","data":{"id":"t","title":"x","done":false}}}"""), "odd scope");
            Add("push", Push(Mutation($"m-{random.Next()}", "user:h", value)), "odd args");
            Add("push", Push(Mutation($"m-{random.Next()}", "user:h", $$$"""{"id":{{{value}}},"data":{"id":"t","title":"x","done":false}}""")), "odd args");
            Add("push", Push(Mutation($"m-{random.Next()}", "user:h", $$"""{"id":"t","data":{{value}}}""")), "odd data");
            Add("push", Push(Mutation($"m-{random.Next()}", "user:h", $$$"""{"id":"t","data":{"id":"t","title":{{{value}}},"done":false}}""")), "odd data");
            Add("push", Push(Mutation($"m-{random.Next()}", "user:h", $$"""{"id":{{value}}}""", "todo.toggle")), "odd args");
            Add("pull", $$"""{"scope":{{value}},"cursor":0}""", "odd scope");
            Add("pull", $$"""{"scope":"user:h","cursor":{{value}}}""", "wrong type");
            Add("pull", $$"""{"scope":"user:h","cursor":0,"limit":{{value}}}""", "wrong type");
            Add("snapshot", $$"""{"scope":{{value}}}""", "odd scope");
            Add("snapshot", value, "wrong type");
        }

        // Unknown mutators and names.
        foreach (var name in new[] { "nope", "todo.", ".create", "todo.create.x", "TODO.CREATE", "todo.toggle" })
        {
            Add("push", Push(Mutation($"m-{random.Next()}", "user:h", """{"id":"zz"}""", name)), "odd name");
        }

        // Huge arrays and bodies.
        Add("push", Push(Enumerable.Range(0, 101).Select(i => Mutation($"m-{i}", "user:h", "{}")).ToArray()), "huge array");
        Add("push", Push(Enumerable.Range(0, 5000).Select(i => "null").ToArray()), "huge array");
        Add("push", Push(Mutation("m-big", "user:h", "[" + string.Join(",", Enumerable.Repeat("0", 200_000)) + "]")), "huge array");
        Add("push", Push(Valid) + new string(' ', 1 << 20), "huge body");
        Add("push", "{\"x\":\"" + new string('a', (1 << 20) + 10) + "\"}", "huge body");
        Add("pull", "{\"scope\":\"user:h\",\"x\":\"" + new string('a', 70_000) + "\"}", "huge body");
        Add("snapshot", "{\"scope\":\"" + new string('a', 60_000) + "\"}", "huge body");

        // Deep nesting.
        foreach (var depth in new[] { 63, 64, 65, 200, 5000 })
        {
            Add("push", Push(Mutation($"m-deep-{depth}", "user:h", new string('[', depth) + new string(']', depth))), "deep nesting");
            Add("pull", """{"scope":"user:h","x":""" + new string('{', depth) + new string('}', depth) + "}", "deep nesting");
        }

        // Random garbage and random mutations of a valid body.
        for (var i = 0; i < 40; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(validPush);
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            cases.Add(("push", bytes, "random bytes"));
        }

        // Invalid UTF-8 in strings and outside them.
        foreach (var bad in new byte[][] { [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82] })
        {
            var body = Encoding.UTF8.GetBytes(Push(Mutation("m-utf", "user:h", """{"id":"t9","data":{"id":"t9","title":"XX","done":false}}""")));
            var at = Encoding.UTF8.GetString(body).IndexOf("XX", StringComparison.Ordinal);
            cases.Add(("push", [.. body[..at], .. bad, .. body[(at + 2)..]], "invalid UTF-8"));
            cases.Add(("snapshot", [.. "{\"scope\":\"u"u8.ToArray(), .. bad, .. "\"}"u8.ToArray()], "invalid UTF-8"));
            cases.Add(("pull", [.. bad, .. "{}"u8.ToArray()], "invalid UTF-8"));
        }

        return cases;
    }

    [Fact]
    public async Task Hostile_requests_are_answered_below_500_without_stack_traces_and_the_server_stays_healthy()
    {
        var logs = new CapturedLogs();
        await using var server = await ServerHost.StartAsync(
            options => options.RequestBodyTimeout = TimeSpan.FromSeconds(1),
            logging: logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var tallies = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byKind = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();

        void Tally(string kind, int status, string body, string what)
        {
            tallies[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = tallies.GetValueOrDefault(status.ToString(System.Globalization.CultureInfo.InvariantCulture)) + 1;
            byKind[kind] = byKind.GetValueOrDefault(kind) + 1;
            if (status >= 500 || body.Contains("   at ", StringComparison.Ordinal) || body.Contains("Exception", StringComparison.Ordinal) || body.Contains("System.", StringComparison.Ordinal))
            {
                failures.Add($"{kind} {what}: {status} {body[..Math.Min(body.Length, 300)]}");
            }
        }

        // 1. Generated bodies, as application/json.
        foreach (var (route, body, kind) in Generate())
        {
            var (status, answer) = await server.PostAsync(route, body);
            Tally(kind, status, answer, $"{route} {Encoding.UTF8.GetString(body[..Math.Min(body.Length, 120)])}");
        }

        // 2. Odd methods, content types and headers.
        foreach (var route in new[] { "push", "pull", "snapshot", "nothing" })
        {
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Head, HttpMethod.Options })
            {
                using var request = new HttpRequestMessage(method, route);
                using var response = await server.Http.SendAsync(request);
                Tally("odd method", (int)response.StatusCode, await response.Content.ReadAsStringAsync(), $"{method} {route}");
            }

            foreach (var type in new[] { "text/plain", "application/xml", "application/json; charset=utf-16", "application/jsonx", "*/*", "application/problem+json" })
            {
                using var content = new StringContent(Push(Valid));
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
                using var response = await server.Http.PostAsync(route, content);
                Tally("odd content type", (int)response.StatusCode, await response.Content.ReadAsStringAsync(), $"{type} {route}");
            }
        }

        // 3. Raw HTTP: bodies shorter than announced and aborted, slow bodies, nonsense framing.
        var rawCases = new List<(string Kind, byte[] Request, bool Abort, bool Stall)>();
        foreach (var route in new[] { "push", "pull", "snapshot" })
        {
            rawCases.Add(("aborted body", Raw(route, "Content-Length: 1000", "{\"mutations\":[" + Valid), true, false));
            rawCases.Add(("slow body", Raw(route, "Content-Length: 1000", "{\"scope\":"), false, true));
            rawCases.Add(("chunked aborted", Raw(route, "Transfer-Encoding: chunked", "10\r\n{\"mutations\":[nu\r\n"), true, false));
            rawCases.Add(("bad chunked", Raw(route, "Transfer-Encoding: chunked", "zz\r\nhello\r\n0\r\n\r\n"), false, false));
            rawCases.Add(("negative length", Raw(route, "Content-Length: -5", "{}"), false, false));
            rawCases.Add(("huge length", Raw(route, "Content-Length: 99999999999", "{}"), true, false));
        }

        foreach (var (kind, request, abort, stall) in rawCases)
        {
            var (status, answer) = await SendRawAsync(server.Root, request, abort, stall);
            if (status != 0)
            {
                Tally(kind, status, answer, kind);
            }
            else
            {
                byKind[kind] = byKind.GetValueOrDefault(kind) + 1;
                tallies["no answer (aborted)"] = tallies.GetValueOrDefault("no answer (aborted)") + 1;
            }
        }

        // 4. Odd credentials on a server that requires them.
        await using (var auth = await AuthServer.StartAsync())
        {
            var token = auth.Tokens.For("h");
            foreach (var header in new[] { "Bearer", "Bearer ", "Basic abc", "Bearer " + new string('a', 6000), "Bearer " + token + "x", "Bearer a.b.c", "Bearer ....", "bearer " + token, "Bearer %C3%A9", "Bearer " + token + ", Bearer " + token })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "pull") { Content = new StringContent("""{"scope":"user:h"}""", Encoding.UTF8, "application/json") };
                request.Headers.TryAddWithoutValidation("Authorization", header);
                using var response = await auth.Host.Http.SendAsync(request);
                Tally("odd credentials", (int)response.StatusCode, await response.Content.ReadAsStringAsync(), header[..Math.Min(30, header.Length)]);
            }

            foreach (var scope in new[] { "", "%00", "user%3Ah", "user:h&scope=user:x", new string('s', 3000) })
            {
                var (status, socket) = await auth.ConnectAsync("", token, extraQuery: scope);
                socket.Dispose();
                Tally("odd live scope", status, "", scope[..Math.Min(30, scope.Length)]);
            }

            Assert.DoesNotContain(auth.Logs.Entries, e => e.Level >= LogLevel.Error || (e.Level >= LogLevel.Warning && e.Exception is not null));
        }

        // The server is healthy: a real push and pull still work.
        var (pushed, pushBody) = await server.PostAsync("push", Push(Mutation("m-after", "user:healthy", """{"id":"ok","data":{"id":"ok","title":"fine","done":false}}""")));
        var (pulled, pullBody) = await server.PostAsync("pull", """{"scope":"user:healthy","cursor":0}""");

        var total = tallies.Values.Sum();
        output.WriteLine($"Hostile-input suite: {total} requests");
        output.WriteLine("  by status: " + string.Join(", ", tallies.Select(t => $"{t.Key}: {t.Value}")));
        output.WriteLine("  by kind: " + string.Join(", ", byKind.Select(t => $"{t.Key}: {t.Value}")));
        output.WriteLine($"  answers >= 500 or with a trace: {failures.Count}; log entries at Error: {logs.Entries.Count(e => e.Level >= LogLevel.Error)}");
        Console.WriteLine($"Hostile-input suite: {total} requests; by status {string.Join(", ", tallies.Select(t => $"{t.Key}: {t.Value}"))}; failures {failures.Count}");

        Assert.True(total >= 300, $"only {total} requests");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.Take(20)));
        var badLogs = logs.Entries.Where(e => e.Level >= LogLevel.Error || (e.Level >= LogLevel.Warning && e.Exception is not null && !e.Message.Contains("AllowAnyScope", StringComparison.Ordinal))).ToList();
        Assert.True(badLogs.Count == 0, string.Join(Environment.NewLine, badLogs.Take(5).Select(e => e.ToString()[..Math.Min(1500, e.ToString().Length)])));
        Assert.Equal(200, pushed);
        Assert.Contains("\"ok\":true", pushBody, StringComparison.Ordinal);
        Assert.Equal(200, pulled);
        Assert.Contains("fine", pullBody, StringComparison.Ordinal);
    }

    private static byte[] Raw(string route, string framing, string body) =>
        Encoding.UTF8.GetBytes($"POST /_sync/{route} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{framing}\r\n\r\n{body}");

    /// <summary>Sends raw bytes; then aborts the connection, or leaves the body unfinished until the server answers.</summary>
    private static async Task<(int Status, string Body)> SendRawAsync(Uri root, byte[] request, bool abort, bool stall)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", root.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(request);
        await stream.FlushAsync();
        if (abort)
        {
            tcp.Client.LingerState = new LingerOption(true, 0); // RST: the body is cut off mid-way
            tcp.Close();
            return (0, "");
        }

        // A stalled body waits here for the server's timeout answer; the others are answered at once.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[64 << 10];
        var received = new StringBuilder();
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) || !HasWholeBody(received.ToString()))
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, timeout.Token);
            }
            catch (IOException)
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        _ = stall;
        var text = received.ToString();
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal))
        {
            return (0, text);
        }

        var status = int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var bodyStart = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, bodyStart < 0 ? "" : text[(bodyStart + 4)..]);
    }

    private static bool HasWholeBody(string response)
    {
        var headerEnd = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = response[..headerEnd];
        var length = headers.Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (length is not null)
        {
            return response.Length - headerEnd - 4 >= int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return !headers.Contains("chunked", StringComparison.OrdinalIgnoreCase) || response.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
    }
}
