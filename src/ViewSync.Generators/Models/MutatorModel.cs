using ViewSync.Generators.Helpers;

namespace ViewSync.Generators.Models;

/// <summary>A <c>[Mutator]</c> static method.</summary>
/// <param name="WireName">The mutator name, e.g. <c>todo.toggle</c>.</param>
/// <param name="ContainingType">The class that declares it, <c>global::</c>-qualified.</param>
/// <param name="ContainingTypeName">That class's simple name, to disambiguate helper names.</param>
/// <param name="MethodName">The method's name, which the <c>Mutate</c> helper reuses.</param>
/// <param name="Database">The database whose <c>Tx</c> is the first parameter, <c>global::</c>-qualified.</param>
/// <param name="Parameters">The parameters after the <c>Tx</c>: the mutation's arguments.</param>
internal sealed record MutatorModel(
    string WireName,
    string ContainingType,
    string ContainingTypeName,
    string MethodName,
    string Database,
    EquatableArray<ParameterModel> Parameters);
