<?php
// Remaining credit, unit price and how many SMS it buys (docs: Guides → Check balance).
//   BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… php check-balance.php
$apiUrl = (getenv('BASE_URL') ?: 'http://127.0.0.1:8787') . '/api/v1/lisoloo/sms-api';
$apiKey = getenv('API_KEY') ?: getenv('LISOLOO_API_KEY');
if (!$apiKey) {
    fwrite(STDERR, "Set API_KEY (or LISOLOO_API_KEY) to your sk_test_… key\n");
    exit(2);
}

$ch = curl_init("$apiUrl/balance");
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
