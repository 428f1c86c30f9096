using System.Text.Json;
using ViewSync.Mutations;

namespace ViewSync.Persistence;

/// <summary>
/// Rebuilds the state a journal describes. Never throws for bad data: a damaged region is skipped up to
/// the next intact record, reported, and every intact record is kept.
/// </summary>
internal static class JournalReplay
{
    public static RecoveredJournal Replay(ReadOnlySpan<byte> log, string location)
    {
        var state = new RecoveredJournal();
        if (log.IsEmpty)
        {
            return state;
        }

        state.IsEmpty = false;
        switch (JournalFrames.ReadVersion(log))
        {
            case JournalFrames.Version:
                break;
            case LegacyJournal.Version:
                LegacyJournal.Replay(log, state);
                state.NeedsRewrite = true;
                return state;
            default:
                state.Problems.Add(new PersistenceProblem(
                    PersistenceProblemKind.JournalForeign, location, 0, log.Length,
                    "the file is not a ViewSync journal this version can read; it was kept aside and a new journal started"));
                state.NeedsRewrite = true;
                return state;
        }

        var snapshots = new Dictionary<ulong, Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>>>();
        var offset = JournalFrames.HeaderLength;
        while (offset < log.Length)
        {
            string? error;
            if (JournalFrames.TryRead(log, offset, out var payloadOffset, out var payloadLength, out _, out error)
                && TryApply(log.Slice(payloadOffset, payloadLength), state, snapshots, out error))
            {
                offset = payloadOffset + payloadLength;
                continue;
            }

            var next = JournalFrames.FindNext(log, offset + 1);
            state.NeedsRewrite = true;
            if (next < 0)
            {
                state.Problems.Add(new PersistenceProblem(
                    PersistenceProblemKind.JournalTornTail, location, offset, log.Length - offset,
                    $"{error}; it is the last record, so its change had not completed and everything before it was kept"));
                break;
            }

            state.Problems.Add(new PersistenceProblem(
                PersistenceProblemKind.JournalCorrupt, location, offset, next - offset,
                $"{error}; {next - offset} bytes were skipped and every intact record after them was kept, "
                + "but what they held is lost, so the cursor was reset to 0 and the client takes a new snapshot"));
            offset = next;
        }

        // After the whole replay: a later page must not move the cursor back up over the missing region.
        if (state.Problems.Any(p => p.Kind == PersistenceProblemKind.JournalCorrupt))
        {
            state.Cursor = 0;
        }

        return state;
    }

    /// <summary>Decodes a whole record before applying it, so a record that fails to decode changes nothing.</summary>
    private static bool TryApply(
        ReadOnlySpan<byte> payload,
        RecoveredJournal state,
        Dictionary<ulong, Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>>> snapshots,
        out string? error)
    {
        error = null;
        try
        {
            var reader = new BinaryCursor(payload);
            switch ((JournalRecordKind)reader.ReadByte())
            {
                case JournalRecordKind.Meta:
                {
                    var clientId = reader.ReadString();
                    var lastSeq = reader.ReadUInt64();
                    EnsureEnd(ref reader);
                    if (string.IsNullOrWhiteSpace(clientId))
                    {
                        throw new InvalidDataException("the client id is empty");
                    }

                    state.ClientId = clientId;
                    state.LastSeq = Math.Max(state.LastSeq, lastSeq);
                    break;
                }

                case JournalRecordKind.Queued:
                {
                    var mutation = Mutation.FromUtf8Json(reader.ReadRest(), DateTimeOffset.UnixEpoch);
                    state.LastSeq = Math.Max(state.LastSeq, mutation.Seq);
                    if (!state.Pending.Contains(mutation.Id))
                    {
                        state.Pending.Push(mutation);
                    }

                    break;
                }

                case JournalRecordKind.Page:
                {
                    var cursor = reader.ReadUInt64();
                    var count = reader.ReadCount();
                    var writes = new (string Entity, string Id, byte[]? Json)[count];
                    string? lastEntity = null;
                    for (var i = 0; i < count; i++)
                    {
                        var entity = reader.ReadString(ref lastEntity);
                        var id = reader.ReadString();
                        writes[i] = (entity, id, reader.ReadByte() switch
                        {
                            0 => null,
                            1 => Json(reader.ReadSizedBytes()),
                            var flag => throw new InvalidDataException($"a page write has an invalid value flag {flag}"),
                        });
                    }

                    var confirmed = ReadIds(ref reader);
                    EnsureEnd(ref reader);
                    foreach (var (entity, id, json) in writes)
                    {
                        Write(state.Confirmed, entity, id, json);
                    }

                    state.Pending.RemoveRange(confirmed);
                    state.Cursor = cursor;
                    break;
                }

                case JournalRecordKind.Rejected:
                {
                    var ids = ReadIds(ref reader);
                    EnsureEnd(ref reader);
                    state.Pending.RemoveRange(ids);
                    break;
                }

                case JournalRecordKind.SnapshotBegin:
                {
                    var id = reader.ReadUInt64();
                    EnsureEnd(ref reader);
                    snapshots[id] = new Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>>(StringComparer.Ordinal);
                    break;
                }

                case JournalRecordKind.SnapshotChunk:
                {
                    var id = reader.ReadUInt64();
                    var count = reader.ReadCount();
                    var entries = new (string Entity, string Id, byte[] Json)[count];
                    string? lastEntity = null;
                    for (var i = 0; i < count; i++)
                    {
                        entries[i] = (reader.ReadString(ref lastEntity), reader.ReadString(), Json(reader.ReadSizedBytes()));
                    }

                    EnsureEnd(ref reader);
                    // A chunk whose beginning was lost belongs to no snapshot that can complete.
                    if (snapshots.TryGetValue(id, out var snapshot))
                    {
                        foreach (var (entity, entityId, json) in entries)
                        {
                            Write(snapshot, entity, entityId, json);
                        }
                    }

                    break;
                }

                case JournalRecordKind.SnapshotEnd:
                {
                    var id = reader.ReadUInt64();
                    var cursor = reader.ReadUInt64();
                    var confirmed = ReadIds(ref reader);
                    EnsureEnd(ref reader);
                    if (!snapshots.Remove(id, out var snapshot))
                    {
                        throw new InvalidDataException($"snapshot {id} ends but its beginning is missing");
                    }

                    state.Confirmed = snapshot;
                    state.Cursor = cursor;
                    state.Pending.RemoveRange(confirmed);
                    snapshots.Clear();
                    break;
                }

                case var kind:
                    throw new InvalidDataException($"unknown record kind {(byte)kind}");
            }

            return true;
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or ArgumentException)
        {
            error = $"a record does not decode ({e.Message})";
            return false;
        }
    }

    private static void Write(Dictionary<string, Dictionary<string, ReadOnlyMemory<byte>>> state, string entity, string id, byte[]? json)
    {
        if (!state.TryGetValue(entity, out var ids))
        {
            ids = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
            state.Add(entity, ids);
        }

        if (json is null)
        {
            ids.Remove(id);
        }
        else
        {
            ids[id] = json;
        }
    }

    /// <summary>An entity value, checked to be one complete JSON value (a checksum can be right over bad JSON).</summary>
    private static byte[] Json(ReadOnlySpan<byte> json)
    {
        ViewSync.Store.Utf8JsonValidator.ThrowIfInvalid(json, nameof(json));
        return json.ToArray();
    }

    private static string[] ReadIds(ref BinaryCursor reader)
    {
        var count = reader.ReadCount();
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = reader.ReadString();
        }

        return ids;
    }

    private static void EnsureEnd(ref BinaryCursor reader)
    {
        if (reader.Remaining != 0)
        {
            throw new InvalidDataException($"{reader.Remaining} unexpected bytes at the end of the record");
        }
    }
}
