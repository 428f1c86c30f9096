namespace ViewSync.Tests.Journal;

/// <summary>Thrown by a <see cref="SimulatedDisk"/> at its crash point and after: the process is gone.</summary>
internal sealed class SimulatedCrashException(string where) : IOException($"simulated crash at {where}");
