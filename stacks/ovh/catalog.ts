// The warehouse catalogue on OVHcloud: managed PostgreSQL on a plan the HDS certification covers, its nodes in
// the private network, reachable only from the cluster subnet, backups kept in the same region.

import * as pulumi from "@pulumi/pulumi";
import * as cloudproject from "@ovhcloud/pulumi-ovh/cloudproject";
import * as cloudprojectdatabase from "@ovhcloud/pulumi-ovh/cloudprojectdatabase";
import { CatalogDatabase, Endpoint, ServicePlace, WorkloadAccess } from "../../components/target";
import { WarehouseSpec } from "../../components/model";
import { OvhNetwork } from "./network";
import { OvhRegion } from "./regions";
import { CatalogPlan } from "./sizing";

/** OVH managed PostgreSQL listens on this port, not 5432. */
export const OVH_POSTGRESQL_PORT = 20184;

export const CATALOG_DATABASE = "catalog";

export interface OvhCatalogArgs {
    readonly projectId: string;
    readonly region: OvhRegion;
    readonly spec: WarehouseSpec;
    readonly network: OvhNetwork;
    readonly flavor: string;
    /** Resolved (and refused if uncertified) before any resource is registered. */
    readonly plan: CatalogPlan;
    readonly prefix: string;
    readonly protect: boolean;
}

export class OvhCatalog extends pulumi.ComponentResource implements CatalogDatabase {
    readonly endpoint: Endpoint;
    readonly databaseName: pulumi.Output<string>;
    private readonly host: pulumi.Output<string>;
    private readonly databaseCidr: string;
    private readonly databaseSubnet: string;

    constructor(name: string, args: OvhCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:ovh:Catalog", name, {}, opts);
        const { projectId, region, spec, network } = args;
        const { plan, nodes } = args.plan;

        const cluster = new cloudproject.Database(`${name}-postgresql`, {
            serviceName: projectId,
            description: `${args.prefix} catalogue`,
            engine: "postgresql",
            version: spec.catalog.version,
            plan,
            flavor: args.flavor,
            diskSize: spec.catalog.storageGb,
            // Every node in the private network: the service then has no public address.
            nodes: Array.from({ length: nodes }, () => ({
                region: region.database,
                networkId: network.networkId,
                subnetId: network.databaseSubnetId,
            })),
            ipRestrictions: [{
                ip: network.subnets.cluster,
                description: "warehouse cluster nodes (research workloads and platform services)",
            }],
            // Backups stay in the region, hence in the jurisdiction the region was checked against.
            backupRegions: [region.database],
            deletionProtection: args.protect,
        }, { parent: this, protect: args.protect });

        const database = new cloudprojectdatabase.DatabaseInstance(`${name}-catalog`, {
            serviceName: projectId,
            clusterId: cluster.id,
            engine: "postgresql",
            name: CATALOG_DATABASE,
        }, { parent: this, protect: args.protect });

        this.host = cluster.endpoints.apply(endpoints =>
            endpoints.find(e => e.component === "postgresql")?.domain ?? endpoints[0]?.domain ?? "");
        this.databaseName = database.name;
        this.endpoint = {
            url: pulumi.interpolate`postgresql://${this.host}:${OVH_POSTGRESQL_PORT}/${database.name}?sslmode=require`,
            private: true,
        };
        this.databaseCidr = network.subnets.database;
        this.databaseSubnet = network.subnetNames.database;
        this.registerOutputs({ endpoint: this.endpoint.url, databaseName: this.databaseName });
    }

    place(): ServicePlace {
        return {
            description: "the catalogue (managed PostgreSQL, private network)",
            place: { addresses: [this.databaseCidr], subnet: this.databaseSubnet },
            ports: [{ protocol: "TCP", port: OVH_POSTGRESQL_PORT }],
        };
    }

    access(_projectId: string): WorkloadAccess {
        return {
            settings: {
                CATALOG_HOST: this.host,
                CATALOG_PORT: String(OVH_POSTGRESQL_PORT),
                CATALOG_DATABASE: this.databaseName,
                CATALOG_SSLMODE: "require",
            },
            secrets: {},
            serviceAccountAnnotations: {},
            egress: [{ description: "warehouse catalogue (PostgreSQL)", cidr: this.databaseCidr, ports: [OVH_POSTGRESQL_PORT] }],
        };
    }
}
