namespace ViewSync.Store;

/// <summary>Argument checks shared by everything that addresses an entity by name and id.</summary>
internal static class EntityNames
{
    public static void Validate(string entity)
    {
        if (string.IsNullOrEmpty(entity))
        {
            throw new ArgumentException("An entity name such as \"todo\" is required.", nameof(entity));
        }
    }

    public static void Validate(string entity, string id)
    {
        Validate(entity);
        if (string.IsNullOrEmpty(id))
        {
            throw new ArgumentException($"An id is required to address a '{entity}' entity.", nameof(id));
        }
    }
}
