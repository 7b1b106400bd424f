<?php
// A webhook receiver (docs: Webhooks → Webhook configuration, Event types), run with PHP's built-in
// server, which hands every request to this script:
//   WEBHOOK_USERNAME=… WEBHOOK_PASSWORD=… WEBHOOK_SECRET=whsec_… php -S 127.0.0.1:3000 webhook-receiver.php
// It refuses a wrong or missing Basic login (401) and a bad or stale signature (400), answers 204 to
// every verified event, ignores an event_id it has already seen, and prints one line per new event:
//   verified sms.delivered 6b0ec18c17574faf94a6a2c4 +243998857000

const TOLERANCE_SECONDS = 5 * 60;

$username = getenv('WEBHOOK_USERNAME');
$password = getenv('WEBHOOK_PASSWORD');
$secret = getenv('WEBHOOK_SECRET');

/** Prints for the person watching the server, not into the HTTP response. */
function say(string $line): void
{
    file_put_contents('php://stdout', "$line\n");
}

function answer(int $status, ?string $text = null): void
{
    http_response_code($status);
    if ($status === 401) {
        header('WWW-Authenticate: Basic realm="lisoloo-webhooks"');
    }
    if ($text !== null) {
        header('Content-Type: text/plain');
        echo "$text\n";
    }
    exit;
}

/** Decode `Authorization: Basic …`, split on the first ':', compare both parts in constant time. */
function basicAuthOk(string $header, string $username, string $password): bool
{
    if (stripos($header, 'Basic ') !== 0) {
        return false;
    }
    $decoded = base64_decode(substr($header, 6), true);
    if ($decoded === false || !str_contains($decoded, ':')) {
        return false;
    }
    [$user, $pass] = explode(':', $decoded, 2);
    // Both comparisons always run, so the time taken does not say which part was wrong.
    $userOk = hash_equals($username, $user);
    $passwordOk = hash_equals($password, $pass);
    return $userOk && $passwordOk;
}

/** Null when the Standard Webhooks signature is valid and fresh, else why not. */
function signatureProblem(array $headers, string $body, string $secret): ?string
{
    $id = $headers['webhook-id'] ?? '';
    $timestamp = $headers['webhook-timestamp'] ?? '';
    if (!ctype_digit($timestamp)) {
        return 'missing webhook-timestamp';
    }
    if (abs(time() - (int) $timestamp) > TOLERANCE_SECONDS) {
        return 'timestamp too old or too new';
    }
    // The HMAC key is the base64-decoded part after "whsec_".
    $key = base64_decode(preg_replace('/^whsec_/', '', $secret));
    $expected = base64_encode(hash_hmac('sha256', "$id.$timestamp.$body", $key, true));
    // Space-separated "v1,<signature>" entries (several during a secret rotation): any may match.
    foreach (explode(' ', $headers['webhook-signature'] ?? '') as $entry) {
        [$version, $signature] = array_pad(explode(',', $entry, 2), 2, '');
        if ($version === 'v1' && hash_equals($expected, $signature)) {
            return null;
        }
    }
    return 'invalid signature';
}

if (!$username || !$password || !$secret) {
    say('Set WEBHOOK_USERNAME, WEBHOOK_PASSWORD (the Basic login set on the key) and WEBHOOK_SECRET (its whsec_ secret)');
    answer(500, 'receiver not configured');
}
if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    answer(405, 'POST only');
}

$headers = array_change_key_case(getallheaders(), CASE_LOWER);
// The raw bytes: the signature covers the body exactly as sent, not a re-serialisation of it.
$body = file_get_contents('php://input');

if (!basicAuthOk($headers['authorization'] ?? '', $username, $password)) {
    answer(401, 'unauthorized');
}
$problem = signatureProblem($headers, $body, $secret);
if ($problem !== null) {
    answer(400, $problem);
}

// Only now is the body trusted: parse exactly the bytes that were verified.
$event = json_decode($body, true);

// Delivery is at least once: the same event_id may arrive again. The built-in server runs this script
// afresh for every request, so seen ids are files, created with 'x' (fails if it exists: atomic). A real
// receiver records them in its database under a unique constraint.
$eventId = (string) ($event['event_id'] ?? '');
if (!preg_match('/^[A-Za-z0-9_-]+$/', $eventId)) {
    answer(400, 'missing event_id');
}
$seenDir = getenv('WEBHOOK_EVENTS_DIR') ?: sys_get_temp_dir() . '/lisoloo-webhook-events';
if (!is_dir($seenDir)) {
    @mkdir($seenDir, 0700, true);
}
$marker = @fopen("$seenDir/$eventId", 'x');
if ($marker === false) {
    say("duplicate $eventId");
} else {
    fclose($marker);
    $phone = $event['data']['recipient_phone'] ?? null;
    say("verified {$event['event_type']} {$event['message_id']}" . ($phone ? " $phone" : ''));
}
// Answer at once; slow work belongs in a queue, or the gateway's 10 s timeout triggers retries.
answer(204);
