namespace Rke2Converge.Model.Validation;

/// <summary>
/// Checks a declared <see cref="ClusterModel"/> before anything touches a host. Errors block the rollout;
/// warnings (such as sysctls the kubelet will object to, which the engine then corrects) do not.
/// </summary>
internal sealed class ModelValidator
{
    public IReadOnlyList<ValidationProblem> Validate(ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var problems = new List<ValidationProblem>();
        ClusterRules.Check(model, problems);
        RegistrationAddressRules.Check(model, problems);
        NodeRules.Check(model, problems);
        JoinOrderRules.Check(model, problems);
        RoleScopeRules.Check(model, problems);
        SysctlRules.Check(model, problems);
        ConfigRules.Check(model, problems);
        ProfileRules.Check(model, problems);
        KernelFlagRules.Check(model, problems);
        ResourceRules.Check(model, problems);
        RemovalRules.Check(model, problems);
        return problems;
    }
}
