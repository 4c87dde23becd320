/// PLACEHOLDER until the g5-profilehtml branch lands (replaced at merge): the profile document
/// as a plain `<pre>` of its JSON, so `profile --html` works end to end meanwhile.
package enum ProfileHTML {
    package static func render(_ profile: JSONValue) throws -> String {
        var escaped = ""
        for c in profile.serialized() {
            switch c {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            default: escaped.append(c)
            }
        }
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>prepline profile</title></head><body><pre>\n" + escaped + "\n</pre></body></html>\n"
    }
}
