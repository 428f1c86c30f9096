namespace ViewSync;

/// <summary>A mutation the server rejected, with its reason.</summary>
/// <param name="Id">The mutation's id.</param>
/// <param name="Code">The protocol's error code.</param>
/// <param name="Message">The server's reason.</param>
internal readonly record struct MutationRejection(string Id, string Code, string Message);
