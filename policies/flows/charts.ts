// What a Helm chart renders from its values, for the objects the verifiers judge. A chart is rendered at deploy
// time by the provider, so the offline check sees only its values; each renderer here reproduces, for one chart
// and its versions, the templates that produce network policy. A chart with no renderer is reported, never passed.

export interface RenderedPolicy {
    readonly name: string;
    readonly namespace: string;
    readonly spec: any;
}

export interface ChartRelease {
    readonly chart: string;
    readonly version: string;
    readonly name: string;
    readonly namespace: string;
    readonly values: any;
}

type Renderer = (release: ChartRelease) => RenderedPolicy[];

/**
 * openbao-helm 0.29.x, templates/server-network-policy.yaml: when server.networkPolicy.enabled, one NetworkPolicy
 * named after the release's full name, selecting the server pods by `app.kubernetes.io/name` and
 * `app.kubernetes.io/instance`, with `ingress` copied from the values and `egress` only when given (so policyTypes
 * default to Ingress alone).
 */
function openbao(release: ChartRelease): RenderedPolicy[] {
    const np = release.values?.server?.networkPolicy;
    if (String(np?.enabled) !== "true") return [];
    const name = release.values?.fullnameOverride ?? release.name;
    return [{
        name, namespace: release.namespace,
        spec: {
            podSelector: { matchLabels: { "app.kubernetes.io/name": release.values?.nameOverride ?? "openbao",
                "app.kubernetes.io/instance": release.name } },
            ingress: np.ingress ?? [],
            ...(Array.isArray(np.egress) && np.egress.length > 0 ? { egress: np.egress } : {}),
        },
    }];
}

const RENDERERS: readonly { readonly chart: string; readonly versions: RegExp; readonly render: Renderer }[] = [
    { chart: "openbao", versions: /^0\.29\./, render: openbao },
];

/** The network policies a release renders; undefined when no renderer knows its chart and version. */
export function renderChart(release: ChartRelease): RenderedPolicy[] | undefined {
    const renderer = RENDERERS.find(r => r.chart === release.chart && r.versions.test(release.version));
    return renderer?.render(release);
}
