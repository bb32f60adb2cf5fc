// Ports that must never be reachable from the internet through a network security group: remote administration
// (SSH, RDP, WinRM, Telnet), plain-text web and file transfer, file sharing, and the data stores and cluster
// components that listen on well-known ports. A rule that opens every port opens all of these.
// Sources: Checkov CKV_AZURE_9 (RDP), CKV_AZURE_10 (SSH), CKV_AZURE_160 (HTTP); Azure Policy 22730e10
// ("Management ports should be closed on your virtual machines") and 9daedab3 ("All network ports should be
// restricted on network security groups associated to your virtual machine"); CIS Microsoft Azure Foundations
// Benchmark 6.1-6.4 (RDP, SSH, UDP, HTTP(S) from the internet); IANA service name and port number registry.

export interface ExposedPort {
    readonly port: number;
    readonly service: string;
}

export const EXPOSED_PORTS: readonly ExposedPort[] = [
    { port: 20, service: "FTP data" }, { port: 21, service: "FTP" }, { port: 22, service: "SSH" }, { port: 23, service: "Telnet" },
    { port: 80, service: "HTTP (plain text)" }, { port: 111, service: "RPC portmapper" }, { port: 135, service: "Windows RPC" },
    { port: 137, service: "NetBIOS" }, { port: 139, service: "NetBIOS session" }, { port: 445, service: "SMB" },
    { port: 1433, service: "SQL Server" }, { port: 1434, service: "SQL Server browser" }, { port: 1521, service: "Oracle" },
    { port: 2049, service: "NFS" }, { port: 2379, service: "etcd" }, { port: 2380, service: "etcd peers" },
    { port: 3306, service: "MySQL" }, { port: 3389, service: "RDP" }, { port: 5432, service: "PostgreSQL" },
    { port: 5601, service: "Kibana" }, { port: 5985, service: "WinRM" }, { port: 5986, service: "WinRM over TLS" },
    { port: 6379, service: "Redis" }, { port: 6443, service: "Kubernetes API" }, { port: 8080, service: "HTTP (alternate)" },
    { port: 9042, service: "Cassandra" }, { port: 9200, service: "Elasticsearch" }, { port: 10250, service: "kubelet" },
    { port: 11211, service: "memcached" }, { port: 27017, service: "MongoDB" },
];
