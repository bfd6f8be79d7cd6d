import Exchange
import Foundation
import TestSupport
import Testing

@Suite struct SigningTests {
    /// Vector 1 of the reference, kept here so signing is tested even without ../shared.
    @Test func embeddedVector() {
        let s = BybitSigner(apiKey: "testKey0123456789", apiSecret: "testSecret0123456789abcdefghijklmnopq")
        #expect(s.stringToSign(timestamp: 1_700_000_000_000, payload: "category=linear&symbol=BTCUSDT")
            == "1700000000000testKey01234567895000category=linear&symbol=BTCUSDT")
        #expect(s.signature(timestamp: 1_700_000_000_000, payload: "category=linear&symbol=BTCUSDT")
            == "9c1e72bb04384493ec9ca30b23e5268de3df08df714a2a78cd9d944980c71a04")
        let headers = Dictionary(uniqueKeysWithValues: s.headers(timestamp: 1_700_000_000_000, payload: ""))
        #expect(headers["X-BAPI-SIGN"] == "ef50422e6451a1ed254785935c6c40b3b47642d1379f6bba5565a7f7ec7532ba")
        #expect(headers["X-BAPI-RECV-WINDOW"] == "5000" && headers["X-BAPI-SIGN-TYPE"] == "2")
    }

    @Test func everyVectorInTheReference() throws {
        guard let url = Fixtures.sharedFile("reference/bybit-v5-signing-vectors.json") else {
            print("skipping: ../shared/reference/bybit-v5-signing-vectors.json is not present")
            return
        }
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let vectors = root["vectors"] as! [[String: Any]]
        #expect(vectors.count >= 10)
        for v in vectors {
            let name = v["name"] as! String
            let signer = BybitSigner(apiKey: v["apiKey"] as! String, apiSecret: v["apiSecret"] as! String,
                                     recvWindow: Int(v["recvWindow"] as? String ?? "5000")!)
            if v["kind"] as? String == "ws" {
                let expires = Int64("\(v["expires"]!)")!
                #expect(signer.webSocketSignature(expires: expires) == v["signature"] as? String, "\(name)")
                continue
            }
            let payload = (v["queryString"] as? String) ?? (v["body"] as? String) ?? ""
            let ts = Int64(v["timestamp"] as! String)!
            #expect(signer.stringToSign(timestamp: ts, payload: payload) == v["stringToSign"] as? String, "\(name)")
            #expect(signer.signature(timestamp: ts, payload: payload) == v["signature"] as? String, "\(name)")
        }
    }
}
