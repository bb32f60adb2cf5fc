// Which kind of service a resource type belongs to, and whether it holds data, decided from the type token alone:
// its provider module (Azure's resource provider, OVHcloud's API family) and the words of its name. The generator
// applies these rules to every type of the installed SDKs (catalog/resource-types.json); the pack applies the same
// rules at run time to providers it has no SDK for (AWS, Google Cloud, ...), so that a data store of a provider the
// catalogue does not know fails closed instead of passing unseen.

/** Services that hold data: what the pack places, and what must be run and certified for health data. */
export const DATA_CLASSES = ["storage", "database", "analytics", "cache", "queue", "registry", "machine-learning", "backup"] as const;
export type DataClass = typeof DATA_CLASSES[number];

/** Services that process data or protect it, without being a data store themselves. */
export type ProcessingClass = "compute" | "kubernetes" | "key-management";

export type ServiceClass = DataClass | ProcessingClass | "network" | "identity" | "monitoring" | "management";

export function isDataClass(service: ServiceClass): service is DataClass {
    return (DATA_CLASSES as readonly string[]).includes(service);
}

/**
 * Azure resource providers (azure-native modules) by the service they run. A module missing here is "management":
 * it is still placed by its location, but it is not judged as a data store.
 */
export const AZURE_MODULES: Readonly<Record<string, ServiceClass>> = {
    // storage
    storage: "storage", storagecache: "storage", storagepool: "storage", storagesync: "storage", netapp: "storage",
    elasticsan: "storage", fileshares: "storage", datalakestore: "storage", databox: "storage", databoxedge: "storage",
    containerstorage: "storage", datashare: "storage", importexport: "storage", storagemover: "storage",
    // databases
    sql: "database", sqlvirtualmachine: "database", cosmosdb: "database", dbformariadb: "database", dbformysql: "database",
    dbforpostgresql: "database", mongocluster: "database", azurearcdata: "database", confidentialledger: "database",
    healthcareapis: "database", horizondb: "database", datamigration: "database", azuredata: "database",
    // analytics
    synapse: "analytics", databricks: "analytics", datafactory: "analytics", kusto: "analytics", hdinsight: "analytics",
    streamanalytics: "analytics", datalakeanalytics: "analytics", analysisservices: "analytics", powerbidedicated: "analytics",
    timeseriesinsights: "analytics", fabric: "analytics", digitaltwins: "analytics", purview: "analytics",
    datacatalog: "analytics", operationalinsights: "analytics", applicationinsights: "analytics",
    // caches
    redis: "cache", redisenterprise: "cache",
    // queues and event streams
    servicebus: "queue", eventhub: "queue", eventgrid: "queue", relay: "queue", notificationhubs: "queue",
    iothub: "queue", signalrservice: "queue", webpubsub: "queue",
    // registries
    containerregistry: "registry",
    // machine learning and AI services that store training data, indexes or media
    machinelearningservices: "machine-learning", machinelearning: "machine-learning", cognitiveservices: "machine-learning",
    search: "machine-learning", videoindexer: "machine-learning", healthdataaiservices: "machine-learning",
    // backup copies
    recoveryservices: "backup", dataprotection: "backup",
    // processing
    compute: "compute", containerinstance: "compute", web: "compute", app: "compute", batch: "compute",
    servicefabric: "compute", appplatform: "compute", avs: "compute", desktopvirtualization: "compute",
    devtestlab: "compute", labservices: "compute", logic: "compute", standbypool: "compute", azurefleet: "compute",
    containerservice: "kubernetes", redhatopenshift: "kubernetes",
    keyvault: "key-management", hardwaresecuritymodules: "key-management",
    // plumbing
    network: "network", privatedns: "network", dns: "network", dnsresolver: "network", cdn: "network",
    frontdoor: "network", trafficmanager: "network", managednetwork: "network", servicenetworking: "network",
    managedidentity: "identity", authorization: "identity", aad: "identity", aadiam: "identity",
    monitor: "monitoring", insights: "monitoring", alertsmanagement: "monitoring", dashboard: "monitoring",
};

/**
 * Words in a type's name that make it a configuration object of a service rather than a place where data sits:
 * a firewall rule, a user, a role assignment, a private endpoint connection. Whole camel-case words, anywhere in the
 * name (ContainerRegistryIPRestrictionsManagement); checked before the data words.
 */
const CONFIG_WORDS = /(?:^|[a-z0-9])(Rule|Rules|User|Users|Role|Roles|Assignment|Acl|Allowlist|Restrictions?|Oidc|Policy|Policies|Permission|Grant|Token|Credential|Connection|Link|Setting|Settings|Configuration|Config|Administrator|Admin|Key|Keys|Secret|Certificate|Alert|Diagnostic|Integration|Prometheus|Pattern|Pool(?=Config)|Subscription|Presign|Lifecycle|Task|Networking|Reboot|Reinstall|Update|Attach|Identity|Label|Tag|Tags|Lock|Approval|Operation|Job|Schedule|Trigger|Notebook|Pipeline|Dataflow|Script|Query|Function|Route|Endpoint|Domain|Group|Vnet|Network|Subnet|Firewall|Audit|Assessment|Baseline|Agent|Extension|Version|Mapping|Definition|Mode|State|Status|Properties|Test|Tests|Probe|EncryptionSet|Encryption|Access|AgentPool|TaskRun|Webhook|Advisor|Hold|OIDC|IP|Procedure|Classifier|Guard|Proxy|Intent|Provider|Plan|Details|License|Registration|Controller|Connector|Website|Hub(?=Event))(?=[A-Z]|$)/;

/** Words in a type's name that name a place where data sits. */
const DATA_WORDS: ReadonlyArray<readonly [RegExp, DataClass]> = [
    [/(Bucket|Storage|Blob|Container$|Share|Volume|Disk|Snapshot|Efs|Nas|Partition|Lake|File)/, "storage"],
    [/(Database|Db$|Sql|Mongo|Cosmos|Table|Keyspace|Collection|Graph|Cassandra|Postgre|MySql|Maria|Ledger)/, "database"],
    [/(Warehouse|Workspace|Cluster|Dataset|Logs|Index|Stream|Analytics|Kusto|Synapse|Databricks)/, "analytics"],
    [/(Cache|Redis|Memcache|Valkey)/, "cache"],
    [/(Queue|Topic|Kafka|EventHub|ServiceBus|PubSub|Sns|Sqs|Kinesis)/, "queue"],
    [/(Registry|Repository|Ecr)/, "registry"],
    [/(Model|Training|Endpoint(?=Deployment)|SageMaker|Vertex|MachineLearning)/, "machine-learning"],
    [/(Backup|Vault$|Recovery)/, "backup"],
];

/** Whether a type's name says it configures a service rather than holds its data (FirewallRule, DatabaseUser). */
export function isConfigName(name: string): boolean {
    return CONFIG_WORDS.test(name);
}

/** The service class a type name's words point to, when it names a data store; undefined otherwise. */
export function dataClassOfName(name: string): DataClass | undefined {
    if (CONFIG_WORDS.test(name)) return undefined;
    for (const [words, cls] of DATA_WORDS) if (words.test(name)) return cls;
    return undefined;
}

/**
 * Packages the pack never treats as data stores: they hold no data of their own (random values, generated
 * certificates, local commands, the engine's own resources) or are judged through another rule (Kubernetes objects
 * are where their cluster is; MinIO and Vault are placed by their endpoint).
 */
export const NON_DATA_PACKAGES = new Set([
    "pulumi", "random", "tls", "command", "time", "std", "null", "local", "archive", "http", "external", "docker-build",
    "kubernetes", "minio", "vault", "azure-native", "ovh",
]);

/** Modules of foreign providers' packages that hold data whatever their types are called (AWS, Google Cloud, Azure classic). */
const FOREIGN_DATA_MODULES: Readonly<Record<string, DataClass>> = {
    s3: "storage", s3control: "storage", ebs: "storage", efs: "storage", fsx: "storage", glacier: "storage", storage: "storage",
    filestore: "storage", rds: "database", dynamodb: "database", docdb: "database", neptune: "database", sql: "database",
    mssql: "database", spanner: "database", bigtable: "database", firestore: "database", alloydb: "database", cosmosdb: "database",
    postgresql: "database", mysql: "database", mariadb: "database", redshift: "analytics", bigquery: "analytics",
    athena: "analytics", glue: "analytics", emr: "analytics", dataproc: "analytics", opensearch: "analytics",
    elasticsearch: "analytics", kinesis: "queue", sqs: "queue", sns: "queue", pubsub: "queue", msk: "queue", mq: "queue",
    eventhub: "queue", servicebus: "queue", elasticache: "cache", memorydb: "cache", redis: "cache", memcache: "cache",
    ecr: "registry", artifactregistry: "registry", containerregistry: "registry", sagemaker: "machine-learning",
    vertex: "machine-learning", bedrock: "machine-learning", backup: "backup",
};

/**
 * Whether a resource of a provider the catalogue has no SDK for holds data, and of which kind: from its module
 * (`aws:s3/bucket:Bucket` -> s3 -> storage), else from its name's words. Undefined: not a data store, or a
 * package that holds none.
 */
export function foreignDataClass(type: string): DataClass | undefined {
    const [pkg, module = "", name = ""] = type.split(":");
    if (NON_DATA_PACKAGES.has(pkg) || name === "") return undefined;
    const root = module.split("/")[0].toLowerCase();
    if (CONFIG_WORDS.test(name)) return undefined;
    return FOREIGN_DATA_MODULES[root] ?? dataClassOfName(name);
}
