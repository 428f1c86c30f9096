using System.Buffers.Binary;
using System.Text.Json;
using ViewSync.Mutations;

namespace ViewSync.Persistence;

/// <summary>
/// Replays a journal file into a <see cref="JournalState"/>, stopping at the first record that is
/// incomplete, fails its checksum or does not decode. Never throws for bad data: it reports it.
/// </summary>
internal static class JournalReader
{
    /// <summary>Replays <paramref name="file"/>.</summary>
    /// <param name="file">The whole journal file.</param>
    /// <param name="path">The file's path, for the problem report.</param>
    /// <param name="state">The state to apply the records to.</param>
    /// <param name="problem">What was dropped, when something was.</param>
    /// <returns>The length of the intact part: the offset just after the last good record.</returns>
    public static long Replay(ReadOnlySpan<byte> file, string path, JournalState state, out PersistenceProblem? problem)
    {
        problem = null;
        if (!JournalFormat.IsValidHeader(file))
        {
            problem = new PersistenceProblem(
                PersistenceProblemKind.JournalCorrupt, path, 0, file.Length,
                file.Length < JournalFormat.HeaderLength ? "the journal is shorter than its header" : "the journal header is not a ViewSync journal header (version 1)");
            return 0;
        }

        var offset = JournalFormat.HeaderLength;
        while (offset < file.Length)
        {
            var rest = file[offset..];
            if (rest.Length < JournalFormat.RecordHeaderLength)
            {
                problem = Problem(PersistenceProblemKind.JournalTornTail, path, offset, rest.Length, "the last record's header is incomplete");
                break;
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(rest);
            var checksum = BinaryPrimitives.ReadUInt32LittleEndian(rest[4..]);
            if (length == 0 || length > JournalFormat.MaxPayloadLength)
            {
                problem = Problem(PersistenceProblemKind.JournalCorrupt, path, offset, rest.Length, $"a record claims an invalid length of {length} bytes");
                break;
            }

            if (length > rest.Length - JournalFormat.RecordHeaderLength)
            {
                problem = Problem(
                    PersistenceProblemKind.JournalTornTail, path, offset, rest.Length,
                    $"the last record claims {length} bytes but only {rest.Length - JournalFormat.RecordHeaderLength} remain");
                break;
            }

            var recordLength = JournalFormat.RecordHeaderLength + (int)length;
            var payload = rest[JournalFormat.RecordHeaderLength..recordLength];
            if (JournalFormat.Checksum(rest[..4], payload) != checksum)
            {
                problem = Problem(PersistenceProblemKind.JournalCorrupt, path, offset, rest.Length, "a record fails its checksum");
                break;
            }

            if (!TryApply(payload, recordLength, state, out var error))
            {
                problem = Problem(PersistenceProblemKind.JournalCorrupt, path, offset, rest.Length, $"a record does not decode: {error}");
                break;
            }

            offset += recordLength;
        }

        return offset;
    }

    private static PersistenceProblem Problem(PersistenceProblemKind kind, string path, long offset, long dropped, string description) =>
        new(kind, path, offset, dropped, description + "; it and everything after it were dropped");

    /// <summary>Decodes a whole record before applying it, so a record that fails to decode changes nothing.</summary>
    private static bool TryApply(ReadOnlySpan<byte> payload, int recordLength, JournalState state, out string? error)
    {
        error = null;
        try
        {
            var reader = new BinaryCursor(payload);
            var kind = (JournalRecordKind)reader.ReadByte();
            switch (kind)
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

                    state.ApplyMeta(clientId, lastSeq, recordLength);
                    break;
                }

                case JournalRecordKind.Append:
                    state.ApplyAppend(Mutation.FromUtf8Json(reader.ReadRest(), DateTimeOffset.UnixEpoch), recordLength);
                    break;

                case JournalRecordKind.Remove:
                {
                    var count = reader.ReadCount();
                    var ids = new string[count];
                    for (var i = 0; i < ids.Length; i++)
                    {
                        ids[i] = reader.ReadString();
                    }

                    EnsureEnd(ref reader);
                    state.ApplyRemove(ids);
                    break;
                }

                case JournalRecordKind.Cursor:
                {
                    var generation = reader.ReadUInt64();
                    var cursor = reader.ReadUInt64();
                    EnsureEnd(ref reader);
                    state.ApplyCursor(generation, cursor, recordLength);
                    break;
                }

                case JournalRecordKind.Clear:
                {
                    var generation = reader.ReadUInt64();
                    EnsureEnd(ref reader);
                    state.ApplyClear(generation);
                    break;
                }

                default:
                    throw new InvalidDataException($"unknown record kind {(byte)kind}");
            }

            return true;
        }
        catch (Exception e) when (e is InvalidDataException or JsonException)
        {
            error = e.Message;
            return false;
        }
    }

    private static void EnsureEnd(ref BinaryCursor reader)
    {
        if (reader.Remaining != 0)
        {
            throw new InvalidDataException($"{reader.Remaining} unexpected bytes at the end of the record");
        }
    }
}
