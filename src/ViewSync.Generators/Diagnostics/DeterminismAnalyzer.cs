using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ViewSync.Generators.Parsing;

namespace ViewSync.Generators.Diagnostics;

/// <summary>
/// Warns when a <c>[Mutator]</c> body (lambdas and local functions included) uses the clock,
/// randomness, the environment or I/O (see <see cref="NondeterministicApis"/>): mutators run on the
/// client, again on every rebase, and on the server, and must compute the same result each time.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeterminismAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.NondeterministicMutator];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var mutatorAttribute = start.Compilation.GetTypeByMetadataName(KnownNames.MutatorAttribute);
            if (mutatorAttribute is null)
            {
                return; // ViewSync is not referenced.
            }

            start.RegisterOperationBlockStartAction(block =>
            {
                if (block.OwningSymbol is not IMethodSymbol method ||
                    !method.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, mutatorAttribute)))
                {
                    return;
                }

                var display = $"{method.ContainingType.Name}.{method.Name}";
                block.RegisterOperationAction(
                    operation => Check(operation, display),
                    OperationKind.PropertyReference,
                    OperationKind.FieldReference,
                    OperationKind.Invocation,
                    OperationKind.ObjectCreation,
                    OperationKind.MethodReference);
            });
        });
    }

    private static void Check(OperationAnalysisContext context, string mutator)
    {
        ISymbol? member = context.Operation switch
        {
            IPropertyReferenceOperation property => property.Property,
            IFieldReferenceOperation field => field.Field,
            IInvocationOperation invocation => invocation.TargetMethod,
            IObjectCreationOperation creation => creation.Constructor,
            IMethodReferenceOperation reference => reference.Method,
            _ => null,
        };

        // A member reached through another one (Random.Shared.Next()) is reported once, at the outermost use.
        if (member is null || NondeterministicApis.Reason(member) is not { } reason ||
            context.Operation.Parent is IPropertyReferenceOperation or IInvocationOperation or IFieldReferenceOperation
                && InstanceOf(context.Operation.Parent) == context.Operation && NondeterministicApis.Reason(MemberOf(context.Operation.Parent)!) is not null)
        {
            return;
        }

        var name = member is IMethodSymbol { MethodKind: MethodKind.Constructor }
            ? $"new {member.ContainingType.Name}()"
            : $"{member.ContainingType.Name}.{member.Name}";
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NondeterministicMutator, context.Operation.Syntax.GetLocation(), mutator, name, reason));
    }

    private static IOperation? InstanceOf(IOperation operation) => operation switch
    {
        IPropertyReferenceOperation property => property.Instance,
        IFieldReferenceOperation field => field.Instance,
        IInvocationOperation invocation => invocation.Instance,
        _ => null,
    };

    private static ISymbol? MemberOf(IOperation operation) => operation switch
    {
        IPropertyReferenceOperation property => (ISymbol)property.Property,
        IFieldReferenceOperation field => field.Field,
        IInvocationOperation invocation => invocation.TargetMethod,
        _ => null,
    };
}
