// Which fields of a resource's inputs the rules care about, recognised by how the providers name them. A field is
// kept when its own name says what it is (`minimumTlsVersion`, `publicNetworkAccess`, `backupRegions`), or when it
// sits inside an object whose name does (`networkAcls.ipRules[].value`, `encryption.keyVaultProperties.keyName`), or
// when its values do (a SKU whose enum offers GRS is a geo-redundancy switch).

import { FieldCategory, GEO_VALUES } from "../resource-types";
import type { Shape } from "./dts";

/** A field name (or an enclosing object's name) and the category it puts a field in. */
type Pattern = readonly [RegExp, FieldCategory];

/** A field whose own name says what it is. Tried in order; the first match wins. */
const LEAF: readonly Pattern[] = [
    // Case-sensitive on purpose: a camel-case word, not any "tls" (sysctls) or "ssl" (ossl).
    [/^(tls|ssl|ftps|http20|cipher|clientCert|minTls|minimumTls|minimalTls|enableNonSsl|supportsHttps|enableHttps)|^https(?!Proxy)|Tls|TLS|Ssl|SSL|Https(?!Proxy)|HTTPS|Ftps|FTPS|Cipher|NonSsl|ClientCert/, "tls"],
    [/(publicnetworkaccess|publicaccess|anonymous|^defaultaction$|iprangefilter|^ipfilter|startipaddress|endipaddress|ipaddressorrange|sourceaddressprefix|destinationaddressprefix|destinationportrange|sourceportrange|authorizedipranges|privatecluster|publicip|privateendpoint|privatelink|allowazureips|allowazureservices|allowedips|ipallowlist|iprestrictions?$|ipsecurityrestriction|trustedservice|^bypass$|virtualnetworkrules?$|firewall|enablenodepublic|publicfqdn|externalips|^external$|exposure|^networkisolation|allowedsourceaddress|ipv4allow|ipaclrules|^networkpolicy$|^hostnetwork$|^hostport$)/i, "exposure"],
    [/(encrypt|keyvault|keysource|customermanagedkey|^cmk|keyuri$|keyurl$|keyidentifier|byok|infrastructureencryption|doubleencryption|keyencryptionkey|kms)/i, "encryption"],
    [/(localauth|sharedkey|adminpassword|administratorloginpassword|^administratorlogin$|adminusername|adminuserenabled|azureadonly|aadonly|activedirectoryauth|passwordauthentication|anonymouspull|rbacauthorization|enableazurerbac|localaccounts|^password$|basicauth|^authtype$|authenticationtype|authenticationmode|keybasedmetadata|^disablekeyauth|accesskeysauthorization|allowedauthenticationmodes)/i, "auth"],
];

/** An object whose name puts every field under it in a category (up to a few levels down). */
const CONTAINER: readonly Pattern[] = [
    [/^(networkacls?|networkruleset|networkrules|iprules|firewallrules|securityrules|ipsecurityrestrictions|scmipsecurityrestrictions|apiserveraccessprofile|ipfirewallrules|virtualnetworkrules|iprestrictions|ipallowlist)$/i, "exposure"],
    [/^(encryption|dataencryption|encryptionsettings|encryptionsettingscollection|keyvaultproperties|customermanagedkey|customermanagedkeyencryption|keyencryptionkey|azurekeyvaultkms|cmkencryption|encryptionproperties|diskencryptionset)$/i, "encryption"],
    [/^(aadprofile|authconfig|authsettings|activedirectoryauth|authentication|authenticationconfiguration|authconfiguration)$/i, "auth"],
];


/** Names of switches that turn geo-redundant copies on. */
const GEO_NAMES = /(georedundant|geobackup|georeplicat|backupstorageredundancy|^storageredundancy$|crossregion)/i;

/** Names of fields that hold a region, other than a resource's own top-level `location`. */
const REGION_NAMES = /^(location|locations|region|regions|regionname|regionnames|locationname|locationnames)$|[a-z](location|region)s?(name|names)?$/i;
const NOT_A_REGION = /(type|types|id|ids|uri|url|path|kind|mode|count|status|info|details?|placement)$/i;
/** Names that end like a region but hold something else: a secret's or a file's location, a country, AWS regions. */
const NOT_A_REGION_PREFIX = /^(secret|secrets|certificate|cert|certificatestore|store|image|osimage|manifest|kubemanifest|file|folder|root|rootconfiguration|config|custom|customlocation|country|countryor|log|source|artifact|cache|package|script|template|code|moc|offering|sku|aws|ipam|peer|vpc|useFrom|preferred|privatelink|privatelinkresource|privatelinkservicearm|fabric|move|compute|disasterrecovery|customerworkspace|azure|monitoring|publiccertificate|datacenter|peering|pan|function|functionapp|cloning|sourceweb|resource|assignedlicense)/i;
/** Objects whose `name` is a region (`targetRegions[].name`). */
const REGION_LISTS = /(locations|regions|location|region)$/i;
/** Location-like objects that are not a region (an edge zone or a custom location inside one). */
const NOT_REGION_OBJECTS = /^(extendedlocation|customlocation|edgezone)$/i;

/** References (ARM ids) to another resource that holds a copy of the data: a failover partner, a replica's source. */
const REPLICA_REFERENCE = /^(partner|secondary|replica|failover|remote|geoBackup|geoSecondary|linkedRedis)(?!.*(time|wins|dns|ntp|ldap))\w*(server|servers|database|databases|account|volume|cluster|instance|vault|cache)(id|ids|resourceid)?$/i;
const REPLICA_LISTS = /^(partnerservers|partnerdatabases|readonlyendpoint|replicas|secondaries|replicaservers|linkeddatabases)$/i;
/** Enum values that expose a service outside its network (a Kubernetes Service type, a public/private switch). */
const EXPOSED_VALUES = /^(LoadBalancer|NodePort)$/;

export interface Context {
    /** The segment names from the resource's root to the field. */
    readonly path: readonly string[];
    /** The category inherited from an enclosing object, and how many levels up it was. */
    readonly inherited?: { readonly category: FieldCategory; readonly depth: number };
    /** The type's name (SecurityRule, FirewallRule, ...). */
    readonly typeName: string;
}

/** Types that are one rule of a firewall or a network security group: all their fields are about exposure. */
const RULE_TYPES = /(SecurityRule|FirewallRule|IpRule|NetworkRule|IpFirewallRule|IPRestrictions|KubeIpRestrictions|Allowlist|FirewallPolicyRuleCollectionGroup)$/;
const RULE_TYPE_IGNORED = /(name|description|^id$|^type$|etag)$/i;

function isStringy(shape: Shape): boolean {
    if (shape.kind === "array" || shape.kind === "map") return isStringy(shape.item);
    return shape.kind === "string" || shape.kind === "enum";
}

export function enumValues(shape: Shape): readonly string[] | undefined {
    if (shape.kind === "array" || shape.kind === "map") return enumValues(shape.item);
    return shape.kind === "enum" ? shape.values : undefined;
}

/** The category of a field, or undefined when no rule reads it. */
export function categorise(name: string, shape: Shape, ctx: Context): FieldCategory | undefined {
    const topLevel = ctx.path.length === 0;
    const parent = ctx.path[ctx.path.length - 1] ?? "";
    if (topLevel && /^(location|region|regionName)$/.test(name) && isStringy(shape)) return "location";
    if (isStringy(shape) && !ctx.path.some(p => NOT_REGION_OBJECTS.test(p))) {
        if (REGION_NAMES.test(name) && !NOT_A_REGION.test(name) && !NOT_A_REGION_PREFIX.test(name)) return "region";
        if (name === "name" && REGION_LISTS.test(parent)) return "region";
    }
    if (isStringy(shape) && REPLICA_REFERENCE.test(name)) return "replica";
    if (name === "id" && REPLICA_LISTS.test(parent)) return "replica";
    const values = enumValues(shape);
    const keyOrIdentity = /(key|identity)/i.test(name);
    if (!keyOrIdentity && (GEO_NAMES.test(name) || (values && values.some(v => GEO_VALUES.test(v))))) return "geo";
    for (const [pattern, category] of LEAF) if (pattern.test(name)) return category;
    if (values && values.some(v => EXPOSED_VALUES.test(v))) return "exposure";
    if (topLevel && RULE_TYPES.test(ctx.typeName) && !RULE_TYPE_IGNORED.test(name)) return "exposure";
    if (ctx.inherited && ctx.inherited.depth <= 3) return ctx.inherited.category;
    return undefined;
}

/** The category an object passes to the fields under it. */
export function containerCategory(name: string): FieldCategory | undefined {
    for (const [pattern, category] of CONTAINER) if (pattern.test(name)) return category;
    return undefined;
}

/**
 * A default the documentation states ("The default value is false", "Defaults to Enabled", "The default value is
 * null, which is equivalent to true"), kept only when it is a value the field can take: true/false for a switch,
 * one of the enum's values, a number.
 */
export function documentedDefault(doc: string, shape: Shape): string | undefined {
    const candidates: string[] = [];
    for (const m of doc.matchAll(/(?:default(?:s)?(?: value)?(?: is| to| =|:)|equivalent to|by default,? (?:it is |is )?)\s*['"`]?([A-Za-z0-9_.\-]+)['"`]?/gi)) {
        candidates.push(m[1].replace(/\.$/, ""));
    }
    const values = enumValues(shape);
    return candidates.find(c => shape.kind === "boolean" ? /^(true|false)$/i.test(c)
        : shape.kind === "number" ? /^\d+(\.\d+)?$/.test(c)
        : values ? values.some(v => v.toLowerCase() === c.toLowerCase()) : false);
}
