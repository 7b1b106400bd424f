<?php
// A weekly reminder at 09:00 for six months (docs: Guides → Recurring SMS). PHP with the curl extension.
//   BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… php recurring-sms.php
$apiUrl = (getenv('BASE_URL') ?: 'http://127.0.0.1:8787') . '/api/v1/lisoloo/sms-api';
$apiKey = getenv('API_KEY') ?: getenv('LISOLOO_API_KEY');
if (!$apiKey) {
    fwrite(STDERR, "Set API_KEY (or LISOLOO_API_KEY) to your sk_test_… key\n");
    exit(2);
}

// The docs run from 2026-06-01 to 2026-12-31, mostly past by now, and a schedule with nothing left in
// the future is refused (1103). This starts tomorrow (UTC date; times are in the merchant's time zone)
// and ends six months later, as the docs' example does.
$day = 24 * 3600;
$startDate = gmdate('Y-m-d', time() + $day);
$endDate = gmdate('Y-m-d', time() + 183 * $day);

$ch = curl_init("$apiUrl/send");
curl_setopt_array($ch, [
    CURLOPT_RETURNTRANSFER => true,
    CURLOPT_POST => true,
    CURLOPT_HTTPHEADER => ["app-key: $apiKey", 'Content-Type: application/json'],
    CURLOPT_POSTFIELDS => json_encode([
        'to' => ['+243998857000'],
        'message' => 'Reminder: your weekly check-in.',
        'sender_id' => 'WELLNESS',
        'sending_type' => 'recurring',
        'recurring_schedule' => [
            'start_date' => $startDate,
            'end_date' => $endDate,
            'frequency' => 'weekly',
            'interval' => 1,
            'times' => ['09:00'],
        ],
    ]),
    CURLOPT_TIMEOUT => 10,
]);
$body = curl_exec($ch);
if ($body === false) {
    fwrite(STDERR, 'Request failed: ' . curl_error($ch) . "\n");
    exit(1);
}

echo $body, "\n";
exit(curl_getinfo($ch, CURLINFO_RESPONSE_CODE) >= 400 ? 1 : 0);
