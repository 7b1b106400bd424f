<?php
// The current status of a send (docs: Guides → Check message status). PHP with the curl extension.
//   BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… php check-status.php <message_id>
$apiUrl = (getenv('BASE_URL') ?: 'http://127.0.0.1:8787') . '/api/v1/lisoloo/sms-api';
$apiKey = getenv('API_KEY') ?: getenv('LISOLOO_API_KEY');
if (!$apiKey) {
    fwrite(STDERR, "Set API_KEY (or LISOLOO_API_KEY) to your sk_test_… key\n");
    exit(2);
}
$messageId = $argv[1] ?? getenv('MESSAGE_ID');
if (!$messageId) {
    fwrite(STDERR, "usage: php check-status.php <message_id> (or set MESSAGE_ID)\n");
    exit(2);
}

$ch = curl_init("$apiUrl/status/" . rawurlencode($messageId));
curl_setopt_array($ch, [
    CURLOPT_RETURNTRANSFER => true,
    CURLOPT_HTTPHEADER => ["app-key: $apiKey"],
    CURLOPT_TIMEOUT => 10,
]);
$body = curl_exec($ch);
if ($body === false) {
    fwrite(STDERR, 'Request failed: ' . curl_error($ch) . "\n");
    exit(1);
}

echo $body, "\n";
exit(curl_getinfo($ch, CURLINFO_RESPONSE_CODE) >= 400 ? 1 : 0);
