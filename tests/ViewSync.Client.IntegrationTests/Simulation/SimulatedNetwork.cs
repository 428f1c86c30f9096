using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ViewSync.Mutators;
using ViewSync.Protocol;
using ViewSync.Server.Engine;
using ViewSync.Transport;

namespace ViewSync.Client.IntegrationTests.Simulation;

/// <summary>
/// An in-process transport over the real engine that, driven by a seeded random, drops requests,
/// drops answers after the server applied the request, duplicates requests, holds requests back to
/// deliver them later out of order, and answers 500 or 429. Every request and answer goes through the
/// protocol's JSON, as on the wire.
/// </summary>
internal sealed class SimulatedNetwork(ISyncEngine engine, Random random)
{
    private readonly List<Func<Task>> _held = [];

    /// <summary>When false the network is healed: everything is delivered, once, in order.</summary>
    public bool Faulty { get; set; } = true;

    public ISyncTransport For(Func<bool> online) => new Transport(this, online);

    /// <summary>Delivers some (or all) held-back requests to the server, in random order; their answers go nowhere.</summary>
    public async Task DeliverHeldAsync(bool all)
    {
        while (_held.Count > 0)
        {
            var index = random.Next(_held.Count);
            var delivery = _held[index];
            _held.RemoveAt(index);
            await delivery();
            if (!all && random.Next(2) == 0)
            {
                return;
            }
        }
    }

    private static T RoundTrip<T>(T value, JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), typeInfo)!;

    private async Task<TransportResult<TResponse>> SendAsync<TRequest, TResponse>(
        bool online, TRequest request, JsonTypeInfo<TRequest> requestInfo, JsonTypeInfo<TResponse> responseInfo, Func<TRequest, Task<TResponse>> serve)
        where TRequest : class
        where TResponse : class
    {
        if (!online)
        {
            return Failure<TResponse>(TransportOutcome.NetworkError);
        }

        request = RoundTrip(request, requestInfo);
        if (Faulty)
        {
            switch (random.Next(20))
            {
                case 0: // lost on the way
                    return Failure<TResponse>(TransportOutcome.NetworkError);
                case 1: // applied, answer lost
                    await serve(request);
                    return Failure<TResponse>(TransportOutcome.Timeout);
                case 2: // delivered twice
                    await serve(request);
                    break;
                case 3: // held back, delivered later out of order
                    _held.Add(() => serve(request));
                    return Failure<TResponse>(TransportOutcome.Timeout);
                case 4:
                    return Failure<TResponse>(TransportOutcome.ServerError, 500);
                case 5:
                    return Failure<TResponse>(TransportOutcome.RateLimited, 429) with { RetryAfter = TimeSpan.FromSeconds(1) };
            }
        }

        try
        {
            var response = await serve(request);
            return new TransportResult<TResponse> { Outcome = TransportOutcome.Success, StatusCode = System.Net.HttpStatusCode.OK, Value = RoundTrip(response, responseInfo) };
        }
        catch (CursorTooOldException e)
        {
            return Failure<TResponse>(TransportOutcome.CursorTooOld, 410) with { Error = new ErrorResponse { Code = ErrorCodes.CursorTooOld, Error = e.Message } };
        }
    }

    private static TransportResult<T> Failure<T>(TransportOutcome outcome, int? status = null)
        where T : class =>
        new() { Outcome = outcome, StatusCode = (System.Net.HttpStatusCode?)status, Exception = new IOException($"simulated {outcome}") };

    private sealed class Transport(SimulatedNetwork network, Func<bool> online) : ISyncTransport
    {
        private static readonly ProtocolJsonContext Json = ProtocolJsonContext.Default;

        public Task<TransportResult<PushResponse>> PushAsync(PushRequest request, CancellationToken cancellationToken) =>
            network.SendAsync(online(), request, Json.PushRequest, Json.PushResponse,
                async r => new PushResponse { Results = await network.EngineOf.PushAsync(r.Mutations, cancellationToken) });

        /// <summary>The engine's page goes over the wire as the protocol's JSON and is read back as the HTTP transport reads it.</summary>
        public async Task<TransportResult<PullPage>> PullAsync(PullRequest request, CancellationToken cancellationToken)
        {
            var result = await network.SendAsync(online(), request, Json.PullRequest, Json.PullResponse,
                r => network.EngineOf.PullAsync(r.Scope, r.Cursor, r.Limit == 0 ? PullRequest.DefaultLimit : r.Limit, cancellationToken));
            if (!result.IsSuccess)
            {
                return Failure<PullPage>(result.Outcome, (int?)result.StatusCode) with { Error = result.Error, RetryAfter = result.RetryAfter };
            }

            using var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(result.Value!, Json.PullResponse));
            var page = await PullPage.ReadAsync(body, RefitSyncTransport.DefaultMaxResponseBytes, cancellationToken);
            return new TransportResult<PullPage> { Outcome = TransportOutcome.Success, StatusCode = System.Net.HttpStatusCode.OK, Value = page };
        }

        /// <summary>Streams the engine's snapshot into the sink; a faulty network may cut it off half way.</summary>
        public async Task<TransportResult<SnapshotSummary>> SnapshotAsync(SnapshotRequest request, ISnapshotSink sink, CancellationToken cancellationToken)
        {
            var result = await network.SendAsync(online(), request, Json.SnapshotRequest, Json.SnapshotResponse,
                r => network.EngineOf.SnapshotAsync(r.Scope, cancellationToken));
            if (!result.IsSuccess)
            {
                return Failure<SnapshotSummary>(result.Outcome, (int?)result.StatusCode) with { Error = result.Error };
            }

            var entities = result.Value!.Data.SelectMany(t => t.Value.Select(e => (Entity: t.Key, Id: e.Key, e.Value))).ToList();
            var cutAt = network.Faulty && network.Random.Next(10) == 0 ? network.Random.Next(entities.Count + 1) : -1;
            for (var i = 0; i < entities.Count; i++)
            {
                if (i == cutAt)
                {
                    return Failure<SnapshotSummary>(TransportOutcome.NetworkError);
                }

                sink.Add(entities[i].Entity, entities[i].Id, System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(entities[i].Value).ToArray());
            }

            return new TransportResult<SnapshotSummary>
            {
                Outcome = TransportOutcome.Success,
                StatusCode = System.Net.HttpStatusCode.OK,
                Value = new SnapshotSummary { Cursor = result.Value.Cursor, Entities = entities.Count },
            };
        }
    }

    private ISyncEngine EngineOf => engine;

    private Random Random => random;
}
