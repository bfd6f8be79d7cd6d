import Hashing
import Testing

@Suite struct DigestTests {
    @Test func sha256KnownAnswers() {
        #expect(Digest.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func hmacRFC4231Case2() {
        #expect(Digest.hmacSHA256Hex(key: "Jefe", message: "what do ya want for nothing?")
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func hmacRFC4231Case1And6() {
        let key1 = [UInt8](repeating: 0x0b, count: 20)
        #expect(Digest.hex(Digest.hmacSHA256(key: key1, message: Array("Hi There".utf8)))
            == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        // A key longer than the block size is hashed first.
        let key6 = [UInt8](repeating: 0xaa, count: 131)
        #expect(Digest.hex(Digest.hmacSHA256(key: key6, message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
            == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }
}
