/// The hand-kept table of what analysts know about ports beyond IANA, each fact with its source.
///
/// To add a fact: append a `note(...)` to the matching section below, in your own words, with a
/// source a reader can check. Keep `short` to a few words: it ends up in one-line summaries.
public enum AnalystNotes {
    /// Every note, in table order.
    public static let all: [AnalystNote] = threats + reflectors + games + oddities + shadowserver + nmap

    /// Notes that apply to `port` over `proto`: single-port notes in table order (specific threats,
    /// reflectors, games, oddities, then the generic scan lists), then range notes.
    public static func notes(port: UInt16, proto: IPProtocol) -> [AnalystNote] {
        (index.single[port] ?? []).filter { $0.applies(port: port, proto: proto) }
            + index.ranges.filter { $0.applies(port: port, proto: proto) }
    }

    /// The short text of the first of `notes(port:proto:)`, without making the list or a copy of the note
    /// (reports show one note per port row).
    static func firstShortNote(port: UInt16, proto: IPProtocol) -> String? {
        if let single = index.single[port] {
            for note in single where note.applies(port: port, proto: proto) { return note.short }
        }
        for note in index.ranges where note.applies(port: port, proto: proto) { return note.short }
        return nil
    }

    /// Single-port notes by port, and the (few) range notes.
    private static let index: (single: [UInt16: [AnalystNote]], ranges: [AnalystNote]) = (
        Dictionary(grouping: all.filter { $0.ports.count == 1 }, by: { $0.ports.lowerBound }),
        all.filter { $0.ports.count > 1 }
    )

    private static let tcp: [IPProtocol] = [.tcp]
    private static let udp: [IPProtocol] = [.udp]
    private static let tcpUDP: [IPProtocol] = [.tcp, .udp]
    private static let any: [IPProtocol] = []

    private static func note(
        _ ports: ClosedRange<UInt16>, _ protocols: [IPProtocol], _ category: AnalystNote.Category,
        scanned: Bool, short: String, _ text: String, source: String
    ) -> AnalystNote {
        AnalystNote(ports: ports, protocols: protocols, category: category, short: short, text: text,
                    source: source, commonlyScanned: scanned)
    }

    // MARK: - Botnets, worms and exposed services

    private static let mirai = "Antonakakis et al., \"Understanding the Mirai Botnet\", USENIX Security 2017; "
        + "Qihoo 360 Netlab, Mirai honeypot statistics, Oct 2016 (blog.netlab.360.com)"
    private static let wannaCry = "Microsoft Security Bulletin MS17-010 (Mar 2017); "
        + "US-CERT alert TA17-132A, \"Indicators Associated With WannaCry Ransomware\" (May 2017)"
    private static let ransomedDatabases = "ENISA info note \"Ransom attacks against unprotected Internet exposed "
        + "databases\", 13 Sep 2017 (enisa.europa.eu)"

    private static let threats: [AnalystNote] = [
        note(23...23, tcp, .botnetTarget, scanned: true, short: "Mirai telnet brute-force target",
             "Mirai and its many offshoots log in over telnet with factory-default passwords; most of their "
                 + "probes (about nine in ten) go to port 23.",
             source: mirai),
        note(2323...2323, tcp, .botnetTarget, scanned: true, short: "Mirai alternate telnet port",
             "Mirai-family bots also try telnet on 2323, roughly one probe in ten; little else listens here, so "
                 + "hits are almost always bots.",
             source: mirai),
        note(445...445, tcp, .exploitTarget, scanned: true, short: "EternalBlue/WannaCry SMB target",
             "SMB over TCP. The leaked EternalBlue exploit (MS17-010) let the WannaCry worm spread from 12 May 2017; "
                 + "internet-wide probing for exposed SMB has continued ever since.",
             source: wannaCry),
        note(139...139, tcp, .exploitTarget, scanned: true, short: "NetBIOS SMB, WannaCry-era target",
             "NetBIOS session service, SMB's older transport; WannaCry advisories told networks to block it from "
                 + "the internet together with 445.",
             source: wannaCry),
        note(3389...3389, tcp, .exploitTarget, scanned: true, short: "RDP, on WannaCry block lists",
             "Remote Desktop. Guidance issued during the WannaCry outbreak listed it for blocking at the perimeter "
                 + "alongside the SMB ports.",
             source: wannaCry),
        note(5555...5555, tcp, .botnetTarget, scanned: true, short: "Android Debug Bridge worm target",
             "Android Debug Bridge over TCP, left open on many TV boxes and phones. The ADB.Miner worm used it in "
                 + "Feb 2018 to install a Monero miner, and 5555 jumped into the most-scanned ports.",
             source: "Qihoo 360 Netlab, ADB.Miner reports, 4-5 Feb 2018 (blog.netlab.360.com)"),
        note(7547...7547, tcp, .botnetTarget, scanned: true, short: "TR-069/CWMP router exploit target",
             "ISP remote management (TR-069/CWMP) on home routers. In Nov 2016 a Mirai variant exploiting it "
                 + "knocked about 900,000 Deutsche Telekom customers offline.",
             source: "SANS ISC diary on port 7547 SOAP exploitation, 28 Nov 2016; KrebsOnSecurity, "
                 + "\"New Mirai Worm Knocks 900K Germans Offline\", 30 Nov 2016"),
        note(37215...37215, tcp, .botnetTarget, scanned: true, short: "Huawei HG532 exploit, CVE-2017-17215",
             "UPnP/TR-064 service of Huawei HG532 routers. Its command-injection flaw CVE-2017-17215 was exploited "
                 + "from Nov 2017 by Satori/Okiru, a Mirai variant, and by many botnets since.",
             source: "NVD CVE-2017-17215; Huawei security notice huawei-sn-20171130-01-hg532; "
                 + "Check Point Research, Dec 2017"),
        note(52869...52869, tcp, .botnetTarget, scanned: true, short: "Realtek UPnP exploit, CVE-2014-8361",
             "UPnP SOAP service of the Realtek SDK's miniigd daemon, built into many cheap routers; CVE-2014-8361 "
                 + "gives remote command execution, and Satori scanned for it alongside 37215.",
             source: "NVD CVE-2014-8361; Qihoo 360 Netlab on Satori, Dec 2017"),
        note(8291...8291, tcp, .botnetTarget, scanned: true, short: "MikroTik Winbox, Hajime scans",
             "MikroTik's Winbox management port. From 25 Mar 2018 the Hajime botnet swept it worldwide to find "
                 + "RouterOS devices to attack with the \"Chimay Red\" exploit.",
             source: "Qihoo 360 Netlab, Hajime/MikroTik scanning report, Mar 2018; MikroTik advisory, 27 Mar 2018"),
        note(2375...2375, tcp, .exposedService, scanned: true, short: "exposed Docker API, cryptojacking",
             "Docker Engine's plain-HTTP remote API, with no authentication: whoever reaches it can run containers, "
                 + "so cryptomining worms such as Graboid (2019) hunt for it.",
             source: "Docker documentation, \"Protect the Docker daemon socket\"; "
                 + "Palo Alto Networks Unit 42, \"Graboid\", Oct 2019"),
        note(6379...6379, tcp, .exposedService, scanned: true, short: "exposed Redis, wiped and ransomed",
             "Redis takes commands without a password unless configured otherwise; instances reachable from the "
                 + "internet are hunted to wipe and ransom data or to plant miners.",
             source: "Redis documentation, \"Redis security\"; project research notes on 2016-2018 database "
                 + "ransom waves"),
        note(27017...27017, tcp, .exposedService, scanned: true, short: "exposed MongoDB, ransom waves",
             "MongoDB left open without authentication: tens of thousands of databases were wiped and replaced by "
                 + "ransom notes in Dec 2016-Jan 2017, and again in Aug-Sep 2017.",
             source: ransomedDatabases),
        note(9200...9200, tcp, .exposedService, scanned: true, short: "exposed Elasticsearch, ransom waves",
             "Elasticsearch's HTTP API; open clusters were the next target of the Jan 2017 wipe-and-ransom "
                 + "campaigns that began with MongoDB.",
             source: ransomedDatabases),
        note(5984...5984, tcp, .exposedService, scanned: true, short: "exposed CouchDB, ransom waves",
             "CouchDB's HTTP API; unprotected instances were wiped or ransomed in the same early-2017 wave as "
                 + "MongoDB and Elasticsearch.",
             source: ransomedDatabases),
    ]

    // MARK: - UDP reflection and amplification

    private static let amplification = "US-CERT alert TA14-017A, \"UDP-Based Amplification Attacks\" "
        + "(Jan 2014, updated 2018)"

    private static let reflectors: [AnalystNote] = [
        note(11211...11211, udp, .reflector, scanned: true, short: "memcached UDP amplification",
             "memcached answering on UDP can multiply a spoofed request tens of thousands of times; it fed the "
                 + "record reflection attacks of Feb-Mar 2018.",
             source: amplification + "; Cloudflare, \"Memcrashed\", 27 Feb 2018"),
        note(1900...1900, udp, .reflector, scanned: true, short: "SSDP reflection/amplification",
             "UPnP discovery (SSDP) on home devices answers a small spoofed search with a much larger reply, "
                 + "a staple of reflection DDoS.",
             source: amplification),
        note(389...389, udp, .reflector, scanned: true, short: "CLDAP reflection/amplification",
             "Connectionless LDAP, typically on exposed Windows domain controllers, reflects spoofed queries "
                 + "with large answers.",
             source: amplification),
        note(123...123, udp, .reflector, scanned: true, short: "NTP reflection/amplification",
             "NTP servers that still answer the old monlist query amplify spoofed requests many times over.",
             source: amplification),
        note(19...19, udp, .reflector, scanned: true, short: "chargen reflection",
             "Character Generator replies to any datagram with a burst of text; still found on old gear and used "
                 + "for reflection.",
             source: amplification),
        note(17...17, udp, .reflector, scanned: true, short: "QOTD reflection",
             "Quote of the Day replies to any datagram with a quote; abused for reflection like chargen.",
             source: amplification),
    ]

    // MARK: - Games and consoles

    private static let xbox = "Microsoft KB 908874, \"Which ports are required to be open for Xbox LIVE\""

    private static let games: [AnalystNote] = [
        note(88...88, udp, .unofficialUse, scanned: false, short: "Xbox Live needs UDP 88",
             "Xbox consoles need UDP 88 (Kerberos) open to reach Xbox Live, so home-network traffic here is "
                 + "often a console.",
             source: xbox),
        note(3074...3074, tcpUDP, .unofficialUse, scanned: false, short: "Xbox Live game traffic",
             "Xbox Live game and party traffic on TCP and UDP 3074; IANA registers the port as xbox.",
             source: xbox),
        note(3074...3174, udp, .unofficialUse, scanned: false, short: "Rainbow Six Vegas UDP range",
             "Ubisoft's Rainbow Six Vegas uses UDP 3074-3174 for matchmaking and play, so a gaming machine can "
                 + "show traffic on any port in this span whatever IANA lists there.",
             source: "Ubisoft port requirements for Rainbow Six Vegas, as summarised in the port 3126 entry at "
                 + "connected.app (www.connected.app/id/ports/3126)"),
    ]

    // MARK: - Registry oddities

    private static let oddities: [AnalystNote] = [
        note(3089...3089, any, .commonlyScanned, scanned: true, short: "swept daily by mass scanners",
             "ParaTek, the company behind agent linking, is long gone and nothing legitimate is known to listen "
                 + "here, yet SANS ISC sensors log steady probes every day from ever-changing addresses.",
             source: "SANS Internet Storm Center port report (isc.sans.edu/port.html?port=3089)"),
        note(3706...3706, any, .dormant, scanned: false, short: "registered, never shipped",
             "Registered as the Real-Time Event Port (its secure twin 3707 dates from Feb 2003), but no RFC, "
                 + "product or documentation beyond the registry entry is known.",
             source: "IANA registry rows for 3706 and 3707 (no reference given); project research notes"),
        note(3126...3126, any, .formerName, scanned: false, short: "once \"Microsoft .NETster Port\"",
             "Older port databases called this port \"Microsoft .NETster Port\"; IANA has listed it as unassigned "
                 + "since its row was modified on 2007-10-04, so that label is stale.",
             source: "connected.app port 3126 entry (www.connected.app/id/ports/3126); IANA registry"),
    ]

    // MARK: - Routinely scanned: Shadowserver's daily scans

    private static let shadowserver: [AnalystNote] = [
        (21, tcp, "FTP"), (22, tcp, "SSH"), (23, tcp, "Telnet"), (25, tcp, "SMTP"), (53, udp, "DNS resolvers"),
        (69, udp, "TFTP"), (80, tcp, "HTTP"), (111, any, "portmapper"), (123, udp, "NTP"),
        (137, udp, "NetBIOS"), (161, udp, "SNMP"), (389, any, "LDAP/CLDAP"), (443, tcp, "HTTPS"),
        (445, tcp, "SMB"), (500, udp, "IKE"), (623, udp, "IPMI"), (631, tcp, "IPP printers"),
        (873, tcp, "rsync"), (1080, tcp, "SOCKS proxies"), (1883, tcp, "MQTT"), (1900, udp, "SSDP"),
        (2375, tcp, "Docker API"), (3306, tcp, "MySQL"), (3389, tcp, "RDP"), (5432, tcp, "PostgreSQL"),
        (5555, tcp, "Android Debug Bridge"), (5672, tcp, "AMQP"), (5900, tcp, "VNC"), (6379, tcp, "Redis"),
        (6443, tcp, "Kubernetes API"), (7547, tcp, "CWMP"), (8080, tcp, "HTTP proxies"),
        (9200, tcp, "Elasticsearch"), (11211, any, "memcached"), (27017, tcp, "MongoDB"),
    ].map { (port: UInt16, protocols: [IPProtocol], service: String) in
        note(port...port, protocols, .commonlyScanned, scanned: true, short: "in Shadowserver's daily scans",
             "Shadowserver scans all of IPv4 for exposed \(service) on this port every day and reports what it "
                 + "finds to network owners: expect routine probes.",
             source: "The Shadowserver Foundation, daily scan reports (shadowserver.org/what-we-do/network-reporting)")
    }

    // MARK: - Routinely scanned: nmap's most often open ports

    private static let nmap: [AnalystNote] = [
        (80, tcp, 1), (23, tcp, 2), (443, tcp, 3), (21, tcp, 4), (22, tcp, 5), (25, tcp, 6), (3389, tcp, 7),
        (110, tcp, 8), (445, tcp, 9), (139, tcp, 10),
        (631, udp, 1), (161, udp, 2), (137, udp, 3), (123, udp, 4), (138, udp, 5), (1434, udp, 6),
    ].map { (port: UInt16, protocols: [IPProtocol], rank: Int) in
        let transport = protocols[0].transportName.uppercased()
        return note(port...port, protocols, .commonlyScanned, scanned: true, short: "nmap top-10 \(transport) port",
                    "Nmap's open-frequency data ranks it #\(rank) among \(transport) ports most often found open, "
                        + "so every default nmap scan and its imitators probe it.",
                    source: "Gordon Lyon, Nmap Network Scanning, \"What Are the Most Popular Ports?\" "
                        + "(nmap.org/book/port-scanning.html)")
    }
}
