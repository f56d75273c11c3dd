import Testing
@testable import ScanlogCore

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1"),
        ("0.0.0.0", "0.0.0.0"),
        ("255.255.255.255", "255.255.255.255"),
        // The kernel prints IPv6 in full; reports use RFC 5952.
        ("fe80:0000:0000:0000:0084:88ff:feae:790a", "fe80::84:88ff:feae:790a"),
        ("0000:0000:0000:0000:0000:0000:0000:0001", "::1"),
        ("2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("2a0a:1580::a", "2a0a:1580::a"),
        ("::", "::"),
        ("FF02::1", "ff02::1"),
    ])
    func parsesAndPrintsCanonically(input: String, expected: String) throws {
        let address = try #require(IPAddress(input))
        #expect(address.description == expected)
        #expect(IPAddress(address.description) == address)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "a.b.c.d", "1:2:3", "1::2::3", "12345::1", "1:2:3:4:5:6:7:8:9", "fe80::1:"])
    func rejectsMalformed(input: String) {
        #expect(IPAddress(input) == nil)
    }

    @Test func ipv4IsMappedAndMasks() throws {
        let address = try #require(IPAddress("198.51.100.77"))
        #expect(address.isIPv4)
        #expect(address.masked(prefixLength: 24).description == "198.51.100.0")
        let v6 = try #require(IPAddress("2001:db8:1:2:3:4:5:6"))
        #expect(!v6.isIPv4)
        #expect(v6.masked(prefixLength: 48).description == "2001:db8:1::")
    }
}
