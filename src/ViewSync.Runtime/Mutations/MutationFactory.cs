using System.Text.Json;

namespace ViewSync.Mutations;

/// <summary>
/// Mints mutations for one client and scope with strictly increasing sequence numbers, each id derived from the
/// client id and the sequence number (<see cref="MutationIds.FromClientAndSequence"/>): no random number per mutation.
/// </summary>
/// <remarks>
/// Start it from the last sequence number the journal recorded or reserved (a <see cref="Replica"/> does) so
/// numbers keep increasing across restarts: a number used twice under one client id would be a repeated mutation
/// id, which the server takes for a retry of the first and skips.
/// <see cref="Create"/> is thread-safe: concurrent callers get distinct numbers. When mutations are
/// also appended to a queue, mint and append under the same lock so queue order matches
/// sequence order.
/// </remarks>
public sealed class MutationFactory
{
    private readonly TimeProvider _time;
    private readonly string _idPrefix;
    private ulong _lastSeq;

    /// <summary>Creates a factory.</summary>
    /// <param name="client">The client id, as loaded from persistence.</param>
    /// <param name="scope">The scope of the mutations, for example <c>user:123</c>.</param>
    /// <param name="lastSeq">The highest sequence number already used by this client (0 when none).</param>
    /// <param name="timeProvider">The clock for <see cref="Mutation.CreatedAt"/>; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException"><paramref name="client"/> or <paramref name="scope"/> is null, empty or white space.</exception>
    public MutationFactory(string client, string scope, ulong lastSeq, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(scope);
        Client = client;
        Scope = scope;
        _idPrefix = MutationIds.ClientIdPrefix(client);
        _lastSeq = lastSeq;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The client id put on every mutation.</summary>
    public string Client { get; }

    /// <summary>The scope put on every mutation.</summary>
    public string Scope { get; }

    /// <summary>The highest sequence number handed out so far (or the one the factory started from).</summary>
    public ulong LastSeq => Interlocked.Read(ref _lastSeq);

    /// <summary>Creates a mutation with the next sequence number, the id derived from it and the current time.</summary>
    /// <param name="name">The mutator's name, for example <c>todo.create</c>.</param>
    /// <param name="args">The mutator's arguments (copied).</param>
    /// <returns>The new mutation.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or <paramref name="args"/> holds no value.</exception>
    /// <exception cref="InvalidOperationException">The sequence numbers are exhausted.</exception>
    public Mutation Create(string name, JsonElement args)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (args.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException($"Mutation '{name}' has no arguments: pass a JSON value such as an object, not default(JsonElement).", nameof(args));
        }

        var seq = NextSeq();
        return new Mutation(MutationIds.FromPrefix(_idPrefix, seq), name, Scope, Client, seq, args, _time.GetUtcNow());
    }

    /// <summary>
    /// <see cref="Create(string, JsonElement)"/> for arguments the runtime wrote itself as one UTF-8 JSON object that
    /// nobody changes afterwards: kept as they are, neither parsed nor copied.
    /// </summary>
    internal Mutation CreateTrusted(string name, byte[] utf8Args)
    {
        var seq = NextSeq();
        return Mutation.FromTrustedUtf8(MutationIds.FromPrefix(_idPrefix, seq), name, Scope, Client, seq, utf8Args, _time.GetUtcNow());
    }

    private ulong NextSeq()
    {
        while (true)
        {
            var last = Interlocked.Read(ref _lastSeq);
            if (last == ulong.MaxValue)
            {
                throw new InvalidOperationException(
                    $"Client {Client} has used every sequence number; create a new client id to keep sending mutations.");
            }

            // A compare-exchange loop rather than Increment so the counter can never wrap to 0.
            if (Interlocked.CompareExchange(ref _lastSeq, last + 1, last) == last)
            {
                return last + 1;
            }
        }
    }
}
