// Research namespaces publish nothing outside the cluster. The portable layer forbids load balancers and node
// ports by quota; on OpenShift the researchers' `edit` role could still create a Route (or an Ingress, which
// OpenShift turns into a Route) through the cluster's router. A cluster-scoped admission policy refuses both, by
// namespace label, so it needs no namespace to exist first and cannot be lifted from inside a namespace.

import { PROJECT_LABEL } from "../../components/workspaces";

export const NO_EXPOSURE_MESSAGE =
    "research namespaces publish nothing outside the cluster: no Route, no Ingress (health-data warehouse policy)";

/** ValidatingAdmissionPolicy spec (admissionregistration.k8s.io/v1, OpenShift 4.17 and later). */
export function noExposurePolicySpec(): Record<string, unknown> {
    return {
        failurePolicy: "Fail",
        matchConstraints: {
            namespaceSelector: { matchExpressions: [{ key: PROJECT_LABEL, operator: "Exists" }] },
            resourceRules: [
                { apiGroups: ["route.openshift.io"], apiVersions: ["*"], operations: ["CREATE", "UPDATE"],
                    resources: ["routes"] },
                { apiGroups: ["networking.k8s.io"], apiVersions: ["*"], operations: ["CREATE", "UPDATE"],
                    resources: ["ingresses"] },
            ],
        },
        validations: [{ expression: "false", message: NO_EXPOSURE_MESSAGE, reason: "Forbidden" }],
    };
}
