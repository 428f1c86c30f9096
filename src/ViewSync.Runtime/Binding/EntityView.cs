using System.ComponentModel;

namespace ViewSync.Binding;

/// <summary>
/// One entity for XAML-style data binding (MAUI, Avalonia, WPF): <see cref="Value"/> and
/// <see cref="Exists"/> raise <see cref="PropertyChanged"/> when the entity changes, on the given
/// synchronization context (the UI thread).
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
public sealed class EntityView<T> : INotifyPropertyChanged, IDisposable
    where T : class
{
    private static readonly PropertyChangedEventArgs s_value = new(nameof(Value));
    private static readonly PropertyChangedEventArgs s_exists = new(nameof(Exists));
    private readonly Effect _effect;
    private T? _value;

    /// <summary>Starts following <paramref name="entity"/>.</summary>
    /// <param name="entity">The entity, e.g. <c>db.Todos.Get("abc")</c>.</param>
    /// <param name="context">Where to raise change notifications; the UI thread's context. Null raises them on the writing thread.</param>
    public EntityView(Entity<T> entity, SynchronizationContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(entity);
        Entity = entity;
        _effect = new Effect(() =>
        {
            var value = entity.Get();
            var existed = _value is not null;
            if (ReferenceEquals(value, _value))
            {
                return;
            }

            _value = value;
            PropertyChanged?.Invoke(this, s_value);
            if (existed != value is not null)
            {
                PropertyChanged?.Invoke(this, s_exists);
            }
        }, context, name: $"EntityView {entity}");
    }

    /// <inheritdoc />
    public event PropertyChangedEventHandler? PropertyChanged;

    /// <summary>The entity followed.</summary>
    public Entity<T> Entity { get; }

    /// <summary>The current value, or null when the entity does not exist.</summary>
    public T? Value => _value;

    /// <summary>Whether the entity exists.</summary>
    public bool Exists => _value is not null;

    /// <summary>Stops following the entity.</summary>
    public void Dispose() => _effect.Dispose();
}
