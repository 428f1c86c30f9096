using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ViewSync.Generators.Diagnostics;

/// <summary>What a mutator's return type says about it: mutators are synchronous and return nothing.</summary>
internal static class MutatorReturns
{
    /// <summary>The awaitable return type (or <c>async</c>) of an asynchronous mutator, or null for a synchronous one.</summary>
    public static string? Asynchronous(IMethodSymbol method)
    {
        var returnType = method.ReturnType;
        if (returnType is INamedTypeSymbol named &&
            named.OriginalDefinition.ToDisplayString() is "System.Threading.Tasks.Task" or "System.Threading.Tasks.Task<TResult>" or
                "System.Threading.Tasks.ValueTask" or "System.Threading.Tasks.ValueTask<TResult>" or
                "System.Collections.Generic.IAsyncEnumerable<T>")
        {
            return returnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        }

        // 'async void': fire-and-forget, whatever follows the first await runs after the transaction.
        return method.IsAsync ? "async void" : null;
    }

    /// <summary>The return type as written, to point at.</summary>
    public static Location? ReturnTypeLocation(IMethodSymbol method, CancellationToken cancellationToken) =>
        method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is MethodDeclarationSyntax syntax
            ? syntax.ReturnType.GetLocation()
            : null;
}
