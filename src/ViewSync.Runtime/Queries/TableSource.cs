using ViewSync.Store;

namespace ViewSync.Queries;

/// <summary>Every entity of one type: the engine listens to the store's changed ids of that type.</summary>
/// <typeparam name="T">The entity type.</typeparam>
internal sealed class TableSource<T>(EntityCollection<T> collection) : IQuerySource<T>
    where T : class
{
    public void Attach(QueryEngine<T> engine) => collection.Store.AddListener(collection.Type.Name, engine);

    public void Detach(QueryEngine<T> engine) => collection.Store.RemoveListener(collection.Type.Name, engine);

    public void Scan(List<StoreEntry> into) => collection.Store.PeekAll(collection.Type.Name, into);

    public bool Admits(T item) => true;
}
