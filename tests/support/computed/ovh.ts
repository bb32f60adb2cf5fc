import type { ComputedOutputs } from "./outputs";

// What OVHcloud computes during `pulumi up`, shaped like the provider's outputs.
export const ovhOutputs: ComputedOutputs = {
    "ovh:Okms/okms:Okms": args => ({
        iam: { id: `${args.name}-id`, displayName: args.inputs.displayName, urn: `urn:v1:eu:resource:okms:${args.name}-id` },
        restEndpoint: `https://${args.inputs.region}.okms.ovh.net`,
        kmipEndpoint: `${args.inputs.region}.okms.ovh.net:5696`,
    }),
    "ovh:Okms/credential:Credential": args => ({
        certificatePem: `-----BEGIN CERTIFICATE-----\n${args.name}\n-----END CERTIFICATE-----\n`,
        privateKeyPem: `-----BEGIN EC PRIVATE KEY-----\n${args.name}\n-----END EC PRIVATE KEY-----\n`,
        status: "READY",
    }),
    "ovh:Me/aPIOAuth2Client:APIOAuth2Client": args => ({
        clientId: `EU.${args.name}`,
        clientSecret: `secret-${args.name}`,
        identity: `urn:v1:eu:identity:credential:xx1111-ovh/oauth2-EU.${args.name}`,
    }),
    "ovh:CloudProject/kube:Kube": args => ({
        url: `${args.name}.c1.eu-west-par.k8s.ovh.net`,
        kubeconfig: `apiVersion: v1\nkind: Config\nclusters: [{name: ${args.name}}]\n`,
        status: "READY",
    }),
    "ovh:index/cloudNetworkPrivateVrackSubnet:CloudNetworkPrivateVrackSubnet": args => ({
        gatewayIp: String(args.inputs.cidr).replace(/\.0\/\d+$/, ".1"),
    }),
    "ovh:CloudProject/user:User": args => ({ username: `user-${args.name}`, password: `password-${args.name}` }),
    "ovh:CloudProject/s3Credential:S3Credential": args => ({
        accessKeyId: `access-${args.name}`,
        secretAccessKey: `secret-${args.name}`,
    }),
    "ovh:CloudProject/database:Database": args => ({
        endpoints: [{
            component: "postgresql", domain: `postgresql-${args.name}.database.cloud.ovh.net`, port: 20184,
            scheme: "postgresql", ssl: true, sslMode: "require", path: "/defaultdb", uri: "",
        }],
        status: "READY",
    }),
};
