// The Kubernetes Pod Security Standards (v1.32) as data: the workload kinds and where their pod template sits,
// and the values each profile allows. Source: https://kubernetes.io/docs/concepts/security/pod-security-standards/
// (Baseline and Restricted policy specifications), which the Pod Security admission controller enforces.

/** Where a kind keeps its pod spec (and the pod's annotations, for AppArmor). */
export const POD_SPEC_PATHS: Readonly<Record<string, { readonly spec: readonly string[]; readonly metadata: readonly string[] }>> = {
    Pod: { spec: ["spec"], metadata: ["metadata"] },
    PodTemplate: { spec: ["template", "spec"], metadata: ["template", "metadata"] },
    Deployment: { spec: ["spec", "template", "spec"], metadata: ["spec", "template", "metadata"] },
    StatefulSet: { spec: ["spec", "template", "spec"], metadata: ["spec", "template", "metadata"] },
    DaemonSet: { spec: ["spec", "template", "spec"], metadata: ["spec", "template", "metadata"] },
    ReplicaSet: { spec: ["spec", "template", "spec"], metadata: ["spec", "template", "metadata"] },
    ReplicationController: { spec: ["spec", "template", "spec"], metadata: ["spec", "template", "metadata"] },
    Job: { spec: ["spec", "template", "spec"], metadata: ["spec", "template", "metadata"] },
    CronJob: { spec: ["spec", "jobTemplate", "spec", "template", "spec"], metadata: ["spec", "jobTemplate", "spec", "template", "metadata"] },
    // OpenShift's own workload kind (apps.openshift.io/v1).
    DeploymentConfig: { spec: ["spec", "template", "spec"], metadata: ["spec", "template", "metadata"] },
};

/** Baseline: capabilities a container may add. */
export const BASELINE_CAPABILITIES = ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"];

/** Restricted: the one capability a container may add (after dropping ALL). */
export const RESTRICTED_CAPABILITIES = ["NET_BIND_SERVICE"];

/** Baseline: the "safe" sysctls (namespaced, isolated between pods). */
export const SAFE_SYSCTLS = ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"];

/** Baseline: SELinux types a pod may ask for. */
export const SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

/** Restricted: the volume types a pod may mount. */
export const RESTRICTED_VOLUME_TYPES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
    "projected", "secret"];

/** Restricted: seccomp profiles a pod or container must set. */
export const RESTRICTED_SECCOMP = ["RuntimeDefault", "Localhost"];

/**
 * Namespaces whose workloads are the cluster's own (networking, policy and platform agents need the host): the
 * default exclusions of the Azure Policy Kubernetes definitions (e.g. 95edb821 "Kubernetes cluster should not allow
 * privileged containers", parameter excludedNamespaces).
 */
export const SYSTEM_NAMESPACES = ["kube-system", "gatekeeper-system", "azure-arc", "azure-extensions-usage-system"];
