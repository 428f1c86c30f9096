namespace ViewSync.Client.IntegrationTests.Support;

/// <summary>A request the strict server refuses as a whole: <c>400 invalid_mutation</c> with this message.</summary>
internal sealed class StrictRequestException(string message) : Exception(message);
