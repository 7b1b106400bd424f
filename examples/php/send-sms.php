<?php
// Send an instant SMS (docs: Guides → Send an instant SMS). PHP with the curl extension.
//   BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… php send-sms.php
// Optional: CALLBACK_URL sends this message's webhook events there instead of the key's webhook_url.
$apiUrl = (getenv('BASE_URL') ?: 'http://127.0.0.1:8787') . '/api/v1/lisoloo/sms-api';
$apiKey = getenv('API_KEY') ?: getenv('LISOLOO_API_KEY');
if (!$apiKey) {
    fwrite(STDERR, "Set API_KEY (or LISOLOO_API_KEY) to your sk_test_… key\n");
    exit(2);
}

$payload = [
    'to' => ['+243998857000'],
    'message' => 'Your OTP is 482194. Valid for 5 minutes.',
    'sender_id' => 'MYAPP',
];
if (getenv('CALLBACK_URL')) {
    $payload['callback_url'] = getenv('CALLBACK_URL');
}

$ch = curl_init("$apiUrl/send");
curl_setopt_array($ch, [
    CURLOPT_RETURNTRANSFER => true,
    CURLOPT_POST => true,
    CURLOPT_HTTPHEADER => ["app-key: $apiKey", 'Content-Type: application/json'],
    CURLOPT_POSTFIELDS => json_encode($payload, JSON_UNESCAPED_SLASHES),
    CURLOPT_TIMEOUT => 10,
]);
$body = curl_exec($ch);
if ($body === false) {
    fwrite(STDERR, 'Request failed: ' . curl_error($ch) . "\n");
    exit(1);
}

// The body first, error envelope included, then a non-zero exit on a 4xx/5xx.
echo $body, "\n";
exit(curl_getinfo($ch, CURLINFO_RESPONSE_CODE) >= 400 ? 1 : 0);
